/*
 * cli.h — the command table and option parsing shared by all commands.
 *
 * Every command prints one JSON object on `out` and returns 0 when it
 * evaluated; bad input prints one line naming the option on `err` and
 * returns 2 (LD_CLI_USAGE). Options are declared as tables; help text is
 * generated from them, in Chinese and English.
 */
#ifndef LD_CLI_H
#define LD_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/calendar.h"
#include "core/date.h"
#include "core/settings.h"
#include "core/status.h"

#define LD_CLI_OK 0
#define LD_CLI_FAIL 1
#define LD_CLI_USAGE 2

struct cli_ctx {
	FILE *out;
	FILE *err;
	const ld_calendar *cal;
	/* The global --holidays and --divisions directories, or NULL (the
	 * environment and the defaults apply: calendar.h, division.h). */
	const char *holidays_dir;
	const char *divisions_dir;

	/* The readings chosen by the global options (--notice-effective). */
	ld_rules_settings rules;
};

enum cli_opt_kind {
	OPT_DATE,   /* YYYY-MM-DD */
	OPT_TIME,   /* HH:MM */
	OPT_CODE,   /* six-digit division code */
	OPT_UINT,   /* non-negative integer */
	OPT_ENUM,   /* one of `choices` */
	OPT_FLAG,   /* no value */
	OPT_STRING, /* any text */
};

struct cli_opt {
	const char *name; /* without the leading "--" */
	enum cli_opt_kind kind;
	bool required;
	bool repeat;
	const char *const *choices; /* NULL-terminated, for OPT_ENUM */
	const char *help_zh;
	const char *help_en;
};

struct cli_val {
	bool set;
	ld_day day;
	int num;     /* OPT_TIME minutes, OPT_UINT value, OPT_ENUM index */
	int32_t code;
	const char *str;
	ld_day *days; /* OPT_DATE with repeat: all values, malloc'd */
	int n_days;
};

struct cli_spec {
	const char *usage; /* e.g. "rules scope --hukou CODE ..." */
	const char *summary_zh;
	const char *summary_en;
	const struct cli_opt *opts;
	int n_opts;
	int n_positional; /* exactly this many positional arguments */
	const char *positional_name;
};

/*
 * Parse argv[0..argc) against spec into vals (one per option, zeroed by the
 * parser) and positionals. Returns LD_CLI_OK, LD_CLI_USAGE after printing the
 * error, or -1 when --help was printed (the caller returns 0).
 */
int cli_parse(struct cli_ctx *ctx, const struct cli_spec *spec, int argc,
	      char **argv, struct cli_val *vals, char **positionals);
/* Free what cli_parse allocated in vals. */
void cli_vals_release(const struct cli_spec *spec, struct cli_val *vals);

/* Print "liudong: --FIELD: message" for a core error and return 2. The
 * core's field name ("stay_days") becomes the option ("--stay-days"). */
int cli_bad_input(struct cli_ctx *ctx, const ld_error *err);
int cli_usage_error(struct cli_ctx *ctx, const char *option, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

void cli_print_help(FILE *f, const struct cli_spec *spec);

/* Today by the system clock, in local time (set TZ=Asia/Shanghai). */
ld_day cli_today(void);

/* Parse the notice's effective date: "YYYY-MM-DD", or "none" for a notice
 * not in force. Returns false on anything else. */
bool cli_parse_notice_effective(const char *s, ld_rules_settings *rules);

/* Write a finished JSON buffer and a newline to ctx->out. */
struct ld_jw;

int cmd_rules(struct cli_ctx *ctx, int argc, char **argv);
int cmd_id(struct cli_ctx *ctx, int argc, char **argv);
int cmd_serve(struct cli_ctx *ctx, int argc, char **argv);
int cmd_demo(struct cli_ctx *ctx, int argc, char **argv);
int cmd_user(struct cli_ctx *ctx, int argc, char **argv);
int cmd_audit(struct cli_ctx *ctx, int argc, char **argv);
int cmd_keys(struct cli_ctx *ctx, int argc, char **argv);
int cmd_verify(struct cli_ctx *ctx, int argc, char **argv);
int cmd_backup(struct cli_ctx *ctx, int argc, char **argv);
int cmd_restore(struct cli_ctx *ctx, int argc, char **argv);

/* Entry point used by main() and by the tests, which run it in-process. */
int ld_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
