/* omacp sign / omacp verify: the MAC of a provisioning body (SEC methods). */
#include <stdlib.h>
#include <string.h>
#include <mbedtls/platform_util.h>
#include "cli.h"

typedef struct sec_opts {
	const char *sec, *imsi, *pin, *mac, *in;
	int hex, help;
} sec_opts;

static void sign_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp sign --sec METHOD [--imsi DIGITS] [--pin PIN] [--hex] IN\n"
	        "\n"
	        "Print the MAC (HMAC-SHA1) of the body bytes in IN exactly as given\n"
	        "(a WBXML or XML file; '-' = stdin) as 'MAC <40 uppercase hex digits>'.\n"
	        "\n"
	        "  --sec METHOD   NETWPIN, USERPIN, USERNETWPIN or USERPINMAC (any case)\n"
	        "  --imsi DIGITS  the IMSI (1-15 digits); NETWPIN and USERNETWPIN\n"
	        "  --pin PIN      the user PIN (%d-%d printable characters); USERPIN and\n"
	        "                 USERNETWPIN.  USERPINMAC: the key half K (%d-20 digits);\n"
	        "                 a second line 'PIN <digits>' then gives the PIN K||m to\n"
	        "                 hand to the user\n"
	        "  --hex          IN holds hex text (white space ignored)\n"
	        "  --help         this text\n"
	        "\n"
	        "Exit: 0 done, 2 usage or bad option value, 5 unreadable hex input.\n",
	        OMACP_PIN_MIN_LEN, OMACP_PIN_MAX_LEN, OMACP_USERPINMAC_MIN_N);
}

static void verify_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp verify --sec METHOD [--mac HEX] [--imsi DIGITS] [--pin PIN]\n"
	        "                    [--hex] IN\n"
	        "\n"
	        "Check the MAC of the body bytes in IN ('-' = stdin).  Prints 'valid' or\n"
	        "'invalid: <reason>'.\n"
	        "\n"
	        "  --sec METHOD   NETWPIN, USERPIN, USERNETWPIN or USERPINMAC (any case)\n"
	        "  --mac HEX      the MAC parameter (40 hex digits, either case, optional\n"
	        "                 leading '\"'); required except for USERPINMAC, which\n"
	        "                 ignores it\n"
	        "  --imsi DIGITS  the IMSI (1-15 digits); NETWPIN and USERNETWPIN\n"
	        "  --pin PIN      the user PIN; for USERPINMAC the whole K||m (2n digits,\n"
	        "                 n = %d..20)\n"
	        "  --hex          IN holds hex text (white space ignored)\n"
	        "  --help         this text\n"
	        "\n"
	        "Exit: 0 valid, 4 invalid (MAC mismatch), 5 malformed MAC or input,\n"
	        "2 usage or bad option value.\n",
	        OMACP_USERPINMAC_MIN_N);
}

/* Parse the options shared by sign and verify.  Returns 0 or EXIT_USAGE
 * (message printed). */
static int parse_opts(const char *cmd, int argc, char **argv, int allow_mac,
                      sec_opts *o)
{
	int i;
	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *val = NULL;
		size_t nl = 0;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = 1;
			return 0;
		}
		if (!strcmp(a, "--hex")) {
			o->hex = 1;
			continue;
		}
		if (!strcmp(a, "--")) {
			if (i + 1 < argc) {
				if (o->in || i + 2 < argc) {
					cli_err(cmd, "only one input file");
					return EXIT_USAGE;
				}
				o->in = argv[i + 1];
			}
			break;
		}
		if (!strncmp(a, "--sec", 5))
			slot = &o->sec, nl = 5;
		else if (!strncmp(a, "--imsi", 6))
			slot = &o->imsi, nl = 6;
		else if (!strncmp(a, "--pin", 5))
			slot = &o->pin, nl = 5;
		else if (allow_mac && !strncmp(a, "--mac", 5))
			slot = &o->mac, nl = 5;
		if (slot && a[nl] == '=') {
			val = a + nl + 1;
		} else if (slot && a[nl] == '\0') {
			if (i + 1 >= argc) {
				cli_err(cmd, "%s needs a value", a);
				return EXIT_USAGE;
			}
			val = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_err(cmd, "unknown option %s (try --help)", a);
			return EXIT_USAGE;
		} else {
			if (o->in) {
				cli_err(cmd, "only one input file");
				return EXIT_USAGE;
			}
			o->in = a;
			continue;
		}
		*slot = val;
	}
	return 0;
}

/* Check the options against the method.  Returns 0 or EXIT_USAGE. */
static int check_opts(const char *cmd, const sec_opts *o, int verify,
                      omacp_sec *m)
{
	omacp_err e;
	if (!o->sec) {
		cli_err(cmd, "--sec is required (try --help)");
		return EXIT_USAGE;
	}
	if (omacp_sec_lookup(o->sec, strlen(o->sec), m) != OMACP_OK) {
		cli_err("--sec", "unknown method '%s' (NETWPIN, USERPIN, USERNETWPIN, USERPINMAC)",
		        o->sec);
		return EXIT_USAGE;
	}
	if (!o->in) {
		cli_err(cmd, "no input file (use '-' for stdin)");
		return EXIT_USAGE;
	}
	if ((*m == OMACP_SEC_NETWPIN || *m == OMACP_SEC_USERNETWPIN) && !o->imsi) {
		cli_err(cmd, "--imsi is required for %s", omacp_sec_name(*m));
		return EXIT_USAGE;
	}
	if (*m != OMACP_SEC_NETWPIN && !o->pin) {
		cli_err(cmd, "--pin is required for %s", omacp_sec_name(*m));
		return EXIT_USAGE;
	}
	if (verify && *m != OMACP_SEC_USERPINMAC && !o->mac) {
		cli_err(cmd, "--mac is required for %s", omacp_sec_name(*m));
		return EXIT_USAGE;
	}
	/* Validate the secrets with the library's own rules. */
	if (o->imsi && (*m == OMACP_SEC_NETWPIN || *m == OMACP_SEC_USERNETWPIN)) {
		uint8_t k[OMACP_IMSI_KEY_MAX];
		size_t kl;
		e = omacp_sec_imsi_key(o->imsi, k, &kl);
		mbedtls_platform_zeroize(k, sizeof k);
		if (e != OMACP_OK) {
			cli_err("--imsi", "%s", omacp_strerror(e));
			return EXIT_USAGE;
		}
	}
	if (*m != OMACP_SEC_NETWPIN) {
		omacp_sec_ctx c;
		e = omacp_sec_init(&c, *m, o->imsi, o->pin, verify);
		omacp_sec_wipe(&c);
		if (e == OMACP_E_SEC_PIN) {
			if (*m == OMACP_SEC_USERPINMAC && verify)
				cli_err("--pin", "USERPINMAC PIN must be 2n digits, n = %d..20",
				        OMACP_USERPINMAC_MIN_N);
			else if (*m == OMACP_SEC_USERPINMAC)
				cli_err("--pin", "USERPINMAC key half must be %d..20 digits",
				        OMACP_USERPINMAC_MIN_N);
			else
				cli_err("--pin", "PIN must be %d..%d printable ASCII characters",
				        OMACP_PIN_MIN_LEN, OMACP_PIN_MAX_LEN);
			return EXIT_USAGE;
		}
		if (e != OMACP_OK) {
			cli_err(cmd, "%s", omacp_strerror(e));
			return EXIT_USAGE;
		}
	}
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	sec_opts o;
	omacp_sec m;
	cli_input in;
	char mac[OMACP_MAC_HEX_LEN + 1];
	omacp_err e;
	int rc = parse_opts("sign", argc, argv, 0, &o);

	if (rc)
		return rc;
	if (o.help) {
		sign_usage(stdout);
		return EXIT_OK;
	}
	rc = check_opts("sign", &o, 0, &m);
	if (rc)
		return rc;
	rc = cli_read(o.in, o.hex, &in);
	if (rc)
		return rc;
	e = omacp_sec_sign(m, o.imsi, o.pin, in.data, in.len, mac);
	if (e != OMACP_OK) {
		cli_err("sign", "%s", omacp_strerror(e));
		cli_free(&in);
		return EXIT_USAGE;
	}
	printf("MAC %s\n", mac);
	if (m == OMACP_SEC_USERPINMAC) {
		char pin[41];
		e = omacp_sec_userpinmac_pin(o.pin, in.data, in.len, pin, sizeof pin);
		if (e != OMACP_OK) {
			cli_err("sign", "%s", omacp_strerror(e));
			cli_free(&in);
			return EXIT_USAGE;
		}
		printf("PIN %s\n", pin);
		mbedtls_platform_zeroize(pin, sizeof pin);
	}
	cli_free(&in);
	return cli_close_out(stdout, NULL);
}

int cmd_verify(int argc, char **argv)
{
	sec_opts o;
	omacp_sec m;
	cli_input in;
	omacp_err e;
	int rc = parse_opts("verify", argc, argv, 1, &o);

	if (rc)
		return rc;
	if (o.help) {
		verify_usage(stdout);
		return EXIT_OK;
	}
	rc = check_opts("verify", &o, 1, &m);
	if (rc)
		return rc;
	rc = cli_read(o.in, o.hex, &in);
	if (rc)
		return rc;
	e = omacp_sec_verify(m, o.imsi, o.pin, in.data, in.len,
	                     (const uint8_t *)o.mac, o.mac ? strlen(o.mac) : 0);
	cli_free(&in);
	switch (e) {
	case OMACP_OK:
		printf("valid\n");
		rc = EXIT_OK;
		break;
	case OMACP_E_SEC_MISMATCH:
		printf("invalid: %s\n", m == OMACP_SEC_USERPINMAC
		                            ? "PIN check digits do not match"
		                            : "MAC does not match");
		rc = EXIT_INVALID;
		break;
	case OMACP_E_SEC_MAC_MALFORMED:
		printf("invalid: MAC is not 40 hex digits\n");
		rc = EXIT_MALFORMED;
		break;
	default:
		cli_err("verify", "%s", omacp_strerror(e));
		return EXIT_USAGE;
	}
	{
		int wr = cli_close_out(stdout, NULL);
		return wr ? wr : rc;
	}
}
