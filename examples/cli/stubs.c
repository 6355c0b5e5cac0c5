/* Weak placeholders for subcommands not built yet; a real definition in its
 * own file overrides each.  Removed once every command exists. */
#include "cli.h"

#define STUB(fn, name)                                                 \
	__attribute__((weak)) int fn(int argc, char **argv)            \
	{                                                              \
		(void)argc;                                            \
		(void)argv;                                            \
		cli_err(name, "not implemented yet");                  \
		return EXIT_USAGE;                                     \
	}

STUB(cmd_encode, "encode")
STUB(cmd_decode, "decode")
STUB(cmd_sign, "sign")
STUB(cmd_verify, "verify")
STUB(cmd_push, "push")
STUB(cmd_sms, "sms")
STUB(cmd_inspect, "inspect")
STUB(cmd_device, "device")
