/*
 * fuzz_cli.c — the command line of `liudong rules` and `liudong id`: the
 * input is split at NUL bytes into arguments. Any arguments must give one
 * JSON object or one line of error, never a crash. Commands that write
 * files (demo, user, keys, serve) are not fuzzed here.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[34];
	int argc = 0;
	argv[argc++] = "liudong";
	for (size_t i = 0; i <= size && argc < 33;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	if (argc > 1 && (strcmp(argv[1], "rules") == 0 ||
			 strcmp(argv[1], "id") == 0)) {
		FILE *out = fopen("/dev/null", "w");
		if (out) {
			ld_cli_main(argc, argv, out, out);
			fclose(out);
		}
	}
	free(buf);
	return 0;
}
