/*
 * sms_handler.c - how handset firmware plugs omacp into its SMS path.
 *
 * Everything is static: one client context, one workspace, one "flash page"
 * for the state blob.  No heap.  The firmware provides three things:
 *   1. storage for the state blob (save_state, and the blob at boot),
 *   2. its own CSPs for the settings it owns (here: NAPDEF),
 *   3. a PIN dialog for PIN-signed messages.
 *
 * The part below "simulation" stands in for the modem and the user: it reads
 * SMS segments in the 'omacp sms' format from a file and answers the PIN
 * request.  Build and run (from the repository root):
 *   cc -Iinclude examples/sms_handler.c build/libomacp.a -lmbedcrypto -lexpat
 *   ./a.out examples/seed/bootstrap.segments 1234
 */
#include <stdio.h>
#include <string.h>
#include <omacp/client.h>

/* ---------------------------------------------------- 1. state storage */

/* A real device writes a flash page (or a file); here a static buffer. */
static uint8_t flash_page[OMACP_STATE_BLOB_MAX];
static size_t flash_len;

static omacp_err flash_write_state(void *user, const uint8_t *blob, size_t len)
{
	(void)user;
	if (len > sizeof flash_page)
		return OMACP_E_NOMEM;
	memcpy(flash_page, blob, len);   /* must be durable before returning */
	flash_len = len;
	return OMACP_OK;
}

/* ------------------------------------------------------ 2. the CSPs */

/* The device's network settings CSP: prints what it would store.  apply
 * must be reversible (rollback), commit makes it final. */
static omacp_err napdef_apply(void *user, omacp_csp_call *call)
{
	omacp_slice id = omacp_node_value(omacp_node_parm(call->node, "NAPID"));
	(void)user;
	printf("  NAPDEF apply: NAPID %.*s\n", (int)id.len, (const char *)id.ptr);
	return OMACP_OK;
}

static omacp_err napdef_commit(void *user, omacp_csp_call *call)
{
	(void)user;
	(void)call;
	printf("  NAPDEF commit\n");
	return OMACP_OK;
}

static void napdef_rollback(void *user, omacp_csp_call *call)
{
	(void)user;
	(void)call;
	printf("  NAPDEF rollback\n");
}

static const omacp_csp_ops napdef_ops = {NULL, napdef_apply, napdef_commit,
                                         napdef_rollback, NULL};

static const omacp_csp csps[] = {
	OMACP_CSP_BOOTSTRAP,          /* TPS address (PROVURL)             */
	OMACP_CSP_PXLOGICAL,          /* known / trusted push gateways     */
	OMACP_CSP_SECURITYPOLICY,     /* policy changes (Manager only)     */
	OMACP_CSP("NAPDEF", OMACP_ROLE_MANAGER | OMACP_ROLE_OPERATOR |
	                        OMACP_ROLE_OPERATOR_TPS | OMACP_ROLE_USER_AUTH,
	          &napdef_ops, NULL),
};

/* ------------------------------------------------ the provisioning task */

static omacp_client client;
static uint8_t work[OMACP_CLIENT_WORK_BYTES(2, 8)];  /* 2 messages x 8 SMS */

static int provisioning_init(const char *imsi)
{
	omacp_client_config cfg;
	omacp_err e;
	omacp_client_config_init(&cfg);
	cfg.profile = OMACP_PROFILE_WM65;
	cfg.imsi = imsi;                        /* read from the SIM */
	cfg.csps = csps;
	cfg.n_csps = sizeof csps / sizeof csps[0];
	cfg.slots = 2;
	cfg.segs = 8;
	cfg.save_state = flash_write_state;
	e = omacp_client_init(&client, &cfg, work, sizeof work,
	                      flash_len ? flash_page : NULL, flash_len);
	if (e != OMACP_OK)
		printf("provisioning: cannot start (error %d)\n", (int)e);
	return e == OMACP_OK;
}

static void report(omacp_err e)
{
	const omacp_result *r = omacp_client_result(&client);
	switch (e) {
	case OMACP_MORE:       /* a segment was stored                 */
	case OMACP_NOT_PUSH:   /* not ours: hand it to the SMS inbox   */
		break;
	case OMACP_NEED_PIN:   /* 3. show the PIN dialog               */
		printf("PIN needed (%u attempts left)\n", r->pin_attempts_left);
		break;
	case OMACP_ACCEPTED:
	case OMACP_REJECTED:
		printf("%s\n", r->reason);   /* names the policy or role */
		break;
	default:               /* malformed: already discarded */
		printf("discarded malformed message (error %d)\n", (int)e);
		break;
	}
}

/* Called by the SMS driver for every SMS with a user-data header. */
static omacp_err on_sms(const char *from, const uint8_t *ud, size_t len,
                        uint32_t now)
{
	omacp_err e = omacp_client_sms(&client, from, ud, len, now);
	report(e);
	return e;
}

/* Called by the PIN dialog. */
static omacp_err on_pin_entered(const char *pin, uint32_t now)
{
	omacp_err e = omacp_client_pin(&client, pin, now);
	report(e);
	return e;
}

/* ------------------------------------------------------------ simulation */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "INDEX UDH_HEX PAYLOAD_HEX" -> user data; returns its length, 0 if none. */
static size_t parse_sms_line(const char *s, uint8_t *ud, size_t cap)
{
	size_t n = 0;
	int field = 0, hi = -1;
	for (; *s && *s != '\n'; s++) {
		if (*s == ' ' || *s == '\t') {
			field += s[1] != ' ' && s[1] != '\t';
			continue;
		}
		if (*s == '#' || *s == '\r')
			break;
		if (field == 0)
			continue;                   /* the index */
		if (hexval(*s) < 0 || n >= cap)
			return 0;
		if (hi < 0) {
			hi = hexval(*s);
		} else {
			ud[n++] = (uint8_t)(hi << 4 | hexval(*s));
			hi = -1;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	static char line[1024];
	static uint8_t ud[OMACP_SMS_UD_MAX];
	omacp_state factory;
	omacp_err e = OMACP_MORE;
	FILE *f;
	uint32_t now = 1000;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SEGMENTS PIN\n", argv[0]);
		return 2;
	}
	/* The OEM's factory state: OTA bootstrap enabled (4119 = 132,
	 * 4143 = 7296); normally built into the ROM image. */
	omacp_state_init(&factory);
	omacp_state_policy_set(&factory, OMACP_POLICY_GRANT_MANAGER, 132);
	omacp_state_policy_set(&factory, OMACP_POLICY_USERNETWPIN_MSG, 7296);
	omacp_state_save(&factory, flash_page, sizeof flash_page, &flash_len);

	if (!provisioning_init("001010123456789"))
		return 1;
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		size_t n = parse_sms_line(line, ud, sizeof ud);
		if (n)
			e = on_sms("9201612", ud, n, now++);
	}
	fclose(f);
	if (e == OMACP_NEED_PIN)
		e = on_pin_entered(argv[2], now++);

	/* After a reboot the state comes back from flash. */
	if (!provisioning_init("001010123456789"))
		return 1;
	printf("after reboot: %u TPS, %u PPG, state blob %zu bytes\n",
	       (unsigned)omacp_client_state(&client)->n_tps,
	       (unsigned)omacp_client_state(&client)->n_ppgs, flash_len);
	/* Shutting down: the client holds the IMSI and key material. */
	omacp_client_wipe(&client);
	return e == OMACP_ACCEPTED ? 0 : 1;
}
