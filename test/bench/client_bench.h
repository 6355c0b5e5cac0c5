/*
 * The whole device pipeline through the client API (included by bench.c
 * when omacp/client.h exists).
 *
 * Set-up, outside the measured region before every run: a factory client
 * (profile OMA: a signed message from any source is accepted when its MAC
 * verifies), one reassembly slot of 255 segments, the built-in BOOTSTRAP and
 * PXLOGICAL CSPs and a do-nothing CSP (all ops NULL = success) for every
 * other OMA type, save_state a stub that accepts the blob.  A fresh client
 * each run, so the replay cache never sees the message twice.
 *
 * Measured: every SMS of the message through omacp_client_sms up to the
 * verdict; for pipeline_pin (USERPIN) also omacp_client_pin("1234").
 */
#ifndef BENCH_CLIENT_BENCH_H
#define BENCH_CLIENT_BENCH_H

#pragma weak omacp_client_init
#pragma weak omacp_client_sms
#pragma weak omacp_client_pin
#pragma weak omacp_client_config_init
#pragma weak omacp_client_result

static omacp_err bench_save(void *user, const uint8_t *blob, size_t len)
{
	(void)user;
	(void)blob;
	(void)len;
	return OMACP_OK;
}

#define ALL_ROLES 0xFFFFFFFFu
static const omacp_csp_ops bench_nop_ops = { NULL, NULL, NULL, NULL, NULL };
static const omacp_csp bench_csps[] = {
	OMACP_CSP_BOOTSTRAP,
	OMACP_CSP_PXLOGICAL_CHAIN(NULL),
	OMACP_CSP("NAPDEF", ALL_ROLES, &bench_nop_ops, NULL),
	OMACP_CSP("APPLICATION", ALL_ROLES, &bench_nop_ops, NULL),
	OMACP_CSP("VENDORCONFIG", ALL_ROLES, &bench_nop_ops, NULL),
	OMACP_CSP("CLIENTIDENTITY", ALL_ROLES, &bench_nop_ops, NULL),
	OMACP_CSP("ACCESS", ALL_ROLES, &bench_nop_ops, NULL),
};

static int have_client(void)
{
	return omacp_client_init && omacp_client_sms && omacp_client_pin &&
	       omacp_client_config_init;
}

static omacp_client *bench_client;
static int bench_verbose; /* BENCH_VERBOSE set: reasons of non-accepted runs to stderr */

/* Prep hook: a factory client over c->work (sized for 1 x 255 segments). */
static void client_prep(ctx *c)
{
	omacp_client_config cfg;
	omacp_err e;
	if (!bench_client)
		bench_client = xmalloc(sizeof *bench_client);
	omacp_client_config_init(&cfg);
	cfg.profile = OMACP_PROFILE_OMA;
	cfg.imsi = IMSI;
	cfg.csps = bench_csps;
	cfg.n_csps = sizeof bench_csps / sizeof bench_csps[0];
	cfg.slots = 1;
	cfg.segs = MAX_SEGS;
	cfg.save_state = bench_save;
	bench_verbose = getenv("BENCH_VERBOSE") != NULL; /* (not in the measured op) */
	e = omacp_client_init(bench_client, &cfg, c->cwork, c->cwork_len, NULL, 0);
	if (e != OMACP_OK)
		die("omacp_client_init: %d", (int)e);
}

static omacp_err client_feed(const segset *s)
{
	omacp_err e = OMACP_MORE;
	unsigned i;
	for (i = 0; i < s->n && e == OMACP_MORE; i++)
		e = omacp_client_sms(bench_client, "+491701234567", s->ud[i], s->len[i], 1000);
	return e;
}

/* The verdict (0 = accepted); with BENCH_VERBOSE set, the reason of any
 * other outcome goes to stderr. */
static long client_status(ctx *c, omacp_err e)
{
	if (e != OMACP_ACCEPTED && bench_verbose)
		fprintf(stderr, "bench: %s: %d: %s\n", c->d->name, (int)e,
		        omacp_client_result(bench_client)->reason);
	return e == OMACP_ACCEPTED ? 0 : (long)e;
}

static void op_pipeline(ctx *c)
{
	c->status = client_status(c, client_feed(&c->d->net));
}

static void op_pipeline_pin(ctx *c)
{
	omacp_err e = client_feed(&c->d->user);
	if (e == OMACP_NEED_PIN)
		e = omacp_client_pin(bench_client, PIN, 1001);
	c->status = client_status(c, e);
}

#endif
