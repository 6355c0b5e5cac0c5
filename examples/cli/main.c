/* omacp - command-line tool: dispatch. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{"encode", cmd_encode, "XML -> WBXML"},
	{"decode", cmd_decode, "WBXML or XML -> canonical XML"},
	{"sign", cmd_sign, "compute the MAC of a body"},
	{"verify", cmd_verify, "check the MAC of a body"},
	{"push", cmd_push, "build a WSP push PDU (hex)"},
	{"sms", cmd_sms, "build the SMS segments of a push"},
	{"inspect", cmd_inspect, "decode segments or a PDU"},
	{"device", cmd_device, "handset simulator"},
};

static void usage(FILE *f)
{
	size_t i;
	fprintf(f, "usage: omacp <command> [options] [args]\n\ncommands:\n");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'omacp <command> --help' describes each command.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("omacp %s\n", omacp_version());
		return EXIT_OK;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	}
	cli_err(argv[1], "unknown command (try 'omacp --help')");
	return EXIT_USAGE;
}
