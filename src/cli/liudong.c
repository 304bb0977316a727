/*
 * liudong.c — process entry point; everything else is in ld_cli_main so the
 * tests can run commands in-process.
 */
#include <locale.h>
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C");
	return ld_cli_main(argc, argv, stdout, stderr);
}
