/* Roles, policies, matching rules and the policy verdict.  Expected values
 * come from reference/wm-security-model.md (role table 1.1, policy table 2,
 * worked example 8) and the issue text, not from earlier output. */
#include <string.h>
#include "util.h"
#include "omacp/policy.h"

#define PROVURL "https://tps.operator.example/cp"

static omacp_state st;
static omacp_policy pol;
static omacp_result res;

/* A handset after the seed bootstrap: trusted push-enabled PPG 9201612,
 * TPS PROVURL, 4119 = 128, 4141/4142/4143 = 3200. */
static void bootstrapped(omacp_profile prof, const omacp_policy_opts *o)
{
	omacp_state_init(&st);
	st.flags = OMACP_STATE_F_BOOTSTRAPPED;
	assert_int_equal(omacp_state_tps_add(&st, PROVURL, strlen(PROVURL)), 0);
	assert_int_equal(omacp_state_ppg_set(&st, "9201612", 7,
	                                     OMACP_PPG_PUSH | OMACP_PPG_TRUSTED), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4119, 128), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4141, 3200), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4142, 3200), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4143, 3200), 0);
	omacp_policy_init(&pol, prof, o, &st);
	omacp_result_init(&res);
}

static omacp_msg msg(const char *from, int sec, int pf, const char *init)
{
	omacp_msg m;
	m.originator = from;
	m.sec = sec;
	m.push_flag = pf;
	m.initiator.ptr = (const uint8_t *)init;
	m.initiator.len = init != NULL ? strlen(init) : 0;
	return m;
}

static void test_role_values(void **cs)
{
	char buf[128];
	(void)cs;
	/* reference 1.1 */
	assert_int_equal(OMACP_ROLE_OPERATOR | OMACP_ROLE_OPERATOR_TPS, 132);
	assert_int_equal(OMACP_ROLE_PPG_TRUSTED | OMACP_ROLE_PPG_AUTH |
	                 OMACP_ROLE_OPERATOR_TPS, 3200);
	assert_int_equal(3200 | OMACP_ROLE_ANY_PUSH_SOURCE, 7296);
	assert_int_equal(OMACP_ROLE_MANAGER, 8);
	assert_int_equal(OMACP_ROLE_KNOWN_PPG, 256);
	assert_int_equal(OMACP_ROLE_TRUSTED_PPG, 512);
	assert_int_equal(OMACP_ROLE_USER_UNAUTH, 64);
	assert_string_equal(omacp_role_name(OMACP_ROLE_ANY_PUSH_SOURCE),
	                    "ANY_PUSH_SOURCE");
	assert_null(omacp_role_name(3));
	assert_null(omacp_role_name(1));
	assert_int_equal(omacp_role_names(0x1014, buf, sizeof buf), 34);
	assert_string_equal(buf, "OPERATOR|USER_AUTH|ANY_PUSH_SOURCE");
	omacp_role_names(0, buf, sizeof buf);
	assert_string_equal(buf, "NONE");
	omacp_role_names(0x10008, buf, sizeof buf);
	assert_string_equal(buf, "MANAGER|0x10000");
	/* truncation: needed length returned, text cut and terminated */
	assert_int_equal(omacp_role_names(0x1014, buf, 9), 34);
	assert_string_equal(buf, "OPERATOR");
}

static void test_profiles(void **cs)
{
	omacp_profile p;
	(void)cs;
	/* wm65: factory values of the reference (2, 5.5, 8) */
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4143), 3200);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4142), 3200);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4141), 3200);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4119), 160);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4104), 1);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4105), 3);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 4120), 16);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_WM65, 9999), 0);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_OMA, 4143), 4096);
	assert_int_equal(omacp_policy_default(OMACP_PROFILE_OMA, 4110), 0);
	assert_int_equal(omacp_policy_default((omacp_profile)7, 4143), 0);
	assert_int_equal(omacp_profile_lookup("wm65", &p), 0);
	assert_int_equal(p, OMACP_PROFILE_WM65);
	assert_int_equal(omacp_profile_lookup("oma", &p), 0);
	assert_int_equal(p, OMACP_PROFILE_OMA);
	assert_int_equal(omacp_profile_lookup("WM65", &p), OMACP_E_ARG);
	assert_string_equal(omacp_profile_name(OMACP_PROFILE_OMA), "oma");
	assert_null(omacp_profile_name((omacp_profile)2));

	/* overrides win over defaults */
	omacp_state_init(&st);
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, &st);
	assert_int_equal(omacp_policy_get(&pol, 4143), 3200);
	assert_int_equal(omacp_state_policy_set(&st, 4143, 7296), 0);
	assert_int_equal(omacp_policy_get(&pol, 4143), 7296);
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, NULL);
	assert_int_equal(omacp_policy_get(&pol, 4143), 3200);
}

static void test_change_roles_and_values(void **cs)
{
	omacp_policy_opts o;
	(void)cs;
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, NULL);
	assert_int_equal(omacp_policy_change_roles(&pol, 4119), OMACP_ROLE_MANAGER);
	assert_int_equal(omacp_policy_change_roles(&pol, 4120), OMACP_ROLE_MANAGER);
	memset(&o, 0, sizeof o);
	o.flags = OMACP_OPT_4120_USER_AUTH;
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, &o, NULL);
	assert_int_equal(omacp_policy_change_roles(&pol, 4120),
	                 OMACP_ROLE_MANAGER | OMACP_ROLE_USER_AUTH);
	assert_int_equal(omacp_policy_change_roles(&pol, 4143), OMACP_ROLE_MANAGER);
	assert_int_equal(omacp_policy_check_value(4104, 1), 0);
	assert_int_equal(omacp_policy_check_value(4104, 2), OMACP_E_LIMIT);
	assert_int_equal(omacp_policy_check_value(4105, 0), OMACP_E_LIMIT);
	assert_int_equal(omacp_policy_check_value(4105, 256), 0);
	assert_int_equal(omacp_policy_check_value(4105, 257), OMACP_E_LIMIT);
	assert_int_equal(omacp_policy_check_value(4143, 0xFFFFFFFFu), 0);
}

static int am(unsigned digits, const char *a, const char *b)
{
	omacp_policy_opts o;
	memset(&o, 0, sizeof o);
	o.addr_digits = digits;
	return omacp_addr_match(&o, a, strlen(a), b, strlen(b));
}

static void test_addr_match(void **cs)
{
	(void)cs;
	assert_true(am(0, "9201612", "9201612"));
	assert_false(am(0, "9201612", "9201613"));
	assert_false(am(0, "9201612", "920161"));
	assert_true(am(0, "+4915551234", "004915551234"));
	assert_true(am(0, "+4915551234", "4915551234"));
	assert_true(am(0, "004915551234", "4915551234"));
	assert_false(am(0, "+4915551234", "015551234"));  /* national form */
	assert_false(am(0, "", ""));
	assert_false(am(0, "+", "+"));
	assert_false(am(0, "00", "+"));
	/* last N digits */
	assert_true(am(10, "+4917612345678", "017612345678"));
	assert_false(am(10, "+4917612345678", "017612345679"));
	assert_false(am(10, "123", "0123"));    /* shorter than N: whole rest */
	assert_true(am(10, "+123", "00123"));
	assert_true(omacp_addr_match(NULL, "+1", 2, "001", 3));
	assert_false(omacp_addr_match(NULL, NULL, 0, "1", 1));
}

static int um(const char *a, const char *b)
{
	return omacp_uri_match(a, strlen(a), b, strlen(b));
}

static void test_uri_match(void **cs)
{
	(void)cs;
	assert_true(um("http://tps.example.com", "http://tps.example.com"));
	assert_true(um("HTTP://TPS.Example.COM/", "http://tps.example.com"));
	assert_true(um("http://tps.example.com/cp/", "http://tps.example.com/cp"));
	assert_false(um("http://tps.example.com/CP", "http://tps.example.com/cp"));
	assert_false(um("http://tps.example.com/cp//", "http://tps.example.com/cp"));
	assert_false(um("https://tps.example.com", "http://tps.example.com"));
	assert_false(um("http://tps.example.com.evil", "http://tps.example.com"));
	assert_false(um("http://tps.example.com/cpx", "http://tps.example.com/cp"));
	assert_true(um("http://h?q=A", "HTTP://H?q=A"));
	assert_false(um("http://h?q=A", "http://h?q=a"));
	assert_true(um("tps-id", "tps-id"));
	assert_false(um("tps-id", "TPS-ID"));
	assert_false(um("tps-id", "http://tps-id"));
	assert_false(um("", "http://x"));
}

static void test_origin_roles_worked_example(void **cs)
{
	omacp_msg m;
	(void)cs;
	bootstrapped(OMACP_PROFILE_WM65, NULL);
	/* reference 8, message 2: 6016 with Push-Flag 1, 8064 with 3 */
	m = msg("9201612", 1, 1, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 6016);
	m = msg("+9201612", 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 8064);
	/* initiator with other case in host and a trailing slash still matches */
	m = msg("9201612", 1, 1, "HTTPS://TPS.operator.example/cp/");
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 6016);
	/* another initiator: no OPERATOR_TPS */
	m = msg("9201612", 1, 1, "https://evil.example/cp");
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 6016 - 128);
	/* no initiator, no Push-Flag */
	m = msg("9201612", 1, -1, NULL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m),
	                 OMACP_ROLE_ANY_PUSH_SOURCE | OMACP_ROLE_KNOWN_PPG |
	                 OMACP_ROLE_TRUSTED_PPG);
	/* another sender: ANY_PUSH_SOURCE only, Push-Flag ignored */
	m = msg("15551234", 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 4096);
	m = msg(NULL, 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 4096);
	m = msg("", 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 4096);
}

static void test_origin_roles_knobs(void **cs)
{
	omacp_msg m;
	omacp_policy_opts o;
	(void)cs;
	/* a known but untrusted PPG: KNOWN_PPG only; Push-Flag ignored */
	bootstrapped(OMACP_PROFILE_WM65, NULL);
	assert_int_equal(omacp_state_ppg_set(&st, "9201612", 7, OMACP_PPG_PUSH), 0);
	m = msg("9201612", 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 4096 | 256);
	memset(&o, 0, sizeof o);
	o.flags = OMACP_OPT_PUSHFLAG_FROM_KNOWN;
	pol.opts = o;
	/* honoured from a known PPG, but OPERATOR_TPS still needs a trusted one */
	assert_int_equal(omacp_policy_origin_roles(&pol, &m),
	                 4096 | 256 | 1024 | 2048);
	/* an entry that is not push-enabled is not a known PPG */
	assert_int_equal(omacp_state_ppg_set(&st, "9201612", 7, OMACP_PPG_TRUSTED), 0);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 4096);

	/* OPERATOR_TPS needs 0x01 and 0x02 with the knob */
	o.flags = OMACP_OPT_TPS_NEEDS_TRUSTED;
	bootstrapped(OMACP_PROFILE_WM65, &o);
	m = msg("9201612", 1, 1, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 6016 - 128);
	m = msg("9201612", 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 8064);

	/* 4104 = 0: never OPERATOR_TPS */
	bootstrapped(OMACP_PROFILE_WM65, NULL);
	assert_int_equal(omacp_state_policy_set(&st, 4104, 0), 0);
	m = msg("9201612", 1, 3, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 8064 - 128);

	/* address matching mode: last 7 digits */
	memset(&o, 0, sizeof o);
	o.addr_digits = 7;
	bootstrapped(OMACP_PROFILE_WM65, &o);
	m = msg("+3109201612", 1, 1, PROVURL);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 6016);
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, &st);
	assert_int_equal(omacp_policy_origin_roles(&pol, &m), 4096);
}

static void test_auth_roles(void **cs)
{
	(void)cs;
	assert_int_equal(omacp_policy_auth_roles(0), OMACP_ROLE_OPERATOR);
	assert_int_equal(omacp_policy_auth_roles(1), OMACP_ROLE_USER_AUTH);
	assert_int_equal(omacp_policy_auth_roles(2), 20);
	assert_int_equal(omacp_policy_auth_roles(3), OMACP_ROLE_USER_AUTH);
	assert_int_equal(omacp_policy_auth_roles(-1), OMACP_ROLE_USER_UNAUTH);
	assert_int_equal(omacp_policy_auth_roles(4), 0);
	assert_int_equal(omacp_policy_for_sec(0), 4141);
	assert_int_equal(omacp_policy_for_sec(1), 4142);
	assert_int_equal(omacp_policy_for_sec(2), 4143);
	assert_int_equal(omacp_policy_for_sec(3), 4142);
	assert_int_equal(omacp_policy_for_sec(-1), 4110);
	assert_int_equal(omacp_policy_for_sec(9), 0);
}

/* Reference 8, message 1, on a factory wm65 phone and after the OEM step. */
static void test_evaluate_bootstrap(void **cs)
{
	omacp_msg m = msg("9201612", 2, -1, NULL);
	(void)cs;
	omacp_state_init(&st);
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, &st);
	omacp_result_init(&res);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_POLICY);
	assert_int_equal(res.policy, 4143);
	assert_int_equal(res.base_roles, 4116);
	assert_string_equal(res.reason,
	                    "rejected: USERNETWPIN message from 9201612 has none of "
	                    "the roles 0xC80 required by policy 4143 (roles 0x1014)");
	/* OEM enables OTA bootstrap: 4119 = 132, 4143 = 7296 */
	assert_int_equal(omacp_state_policy_set(&st, 4119, 132), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4143, 7296), 0);
	omacp_result_init(&res);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
	assert_int_equal(res.verdict, OMACP_ACCEPTED);
	assert_int_equal(res.code, OMACP_OK);
	assert_int_equal(res.sec, 2);
	assert_int_equal(res.base_roles, 4116);
	assert_int_equal(res.roles, 4124);      /* + MANAGER via 4119 */
	assert_true(res.manager);
	assert_string_equal(res.reason,
	                    "accepted: USERNETWPIN message from 9201612 allowed by "
	                    "policy 4143 (roles 0x1014, final 0x101C)");
	/* with the W10-style 4111 = 384 the same message fails on 4111 */
	assert_int_equal(omacp_state_policy_set(&st, 4111, 384), 0);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_int_equal(res.policy, 4111);
	assert_false(res.manager);
	pol.opts.flags = OMACP_OPT_NO_4111;
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
}

static void test_evaluate_after_bootstrap(void **cs)
{
	omacp_msg m;
	(void)cs;
	bootstrapped(OMACP_PROFILE_WM65, NULL);
	/* continuous provisioning, USERPIN, from the TPS via the PPG */
	m = msg("9201612", 1, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
	assert_int_equal(res.base_roles, 6032);
	assert_int_equal(res.roles, 6032 | OMACP_ROLE_MANAGER);
	assert_true(res.manager);
	/* the same from another sender: the example line */
	m = msg("15551234", 1, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_string_equal(res.reason,
	                    "rejected: USERPIN message from 15551234 has none of the "
	                    "roles 0xC80 required by policy 4142 (roles 0x1010)");
	/* the bootstrap replayed from an unknown number: re-bootstrap closed */
	m = msg("15551234", 2, -1, NULL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_int_equal(res.policy, 4143);
	/* NETWPIN-only from an unknown number under 3200 */
	m = msg("15551234", 0, -1, NULL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_int_equal(res.policy, 4141);
	/* NETWPIN via the TPS: accepted (reference 8, 2c) */
	m = msg("9201612", 0, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
	assert_int_equal(res.base_roles, 6020);
	/* unsigned: 4110 = PPG_AUTH|OPERATOR_TPS in wm65 */
	m = msg("9201612", -1, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
	assert_int_equal(res.base_roles, 6080);
	m = msg("15551234", -1, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_int_equal(res.policy, 4110);
	assert_string_equal(res.reason,
	                    "rejected: unsigned message from 15551234 has none of "
	                    "the roles 0x480 required by policy 4110 (roles 0x1040)");
	/* invalid SEC */
	m = msg("9201612", 7, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_E_SEC_METHOD);
	assert_int_equal(res.verdict, OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_SEC_METHOD);
	/* 4104 = 0: accepted via PPG_AUTH but no Manager (reference 8) */
	assert_int_equal(omacp_state_policy_set(&st, 4104, 0), 0);
	m = msg("9201612", 1, 1, PROVURL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
	assert_false(res.manager);
}

static void test_evaluate_oma_profile(void **cs)
{
	omacp_msg m;
	(void)cs;
	omacp_state_init(&st);
	omacp_policy_init(&pol, OMACP_PROFILE_OMA, NULL, &st);
	omacp_result_init(&res);
	m = msg("15551234", 0, -1, NULL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_ACCEPTED);
	assert_false(res.manager);
	m = msg(NULL, -1, -1, NULL);
	assert_int_equal(omacp_policy_evaluate(&pol, &m, &res), OMACP_REJECTED);
	assert_int_equal(res.policy, 4110);
	assert_string_equal(res.reason,
	                    "rejected: unsigned message from an unknown sender has "
	                    "none of the roles 0x0 required by policy 4110 "
	                    "(roles 0x1040)");
}

static void test_grants(void **cs)
{
	(void)cs;
	omacp_state_init(&st);
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, &st);
	/* wm65: 4119 = 160, 4120 = 16 */
	assert_int_equal(omacp_policy_effective_roles(&pol, 0x1010), 0x1010);
	assert_int_equal(omacp_policy_effective_roles(&pol, 0x1080), 0x1088);
	assert_int_equal(omacp_state_policy_set(&st, 4120, 4096), 0);
	assert_int_equal(omacp_policy_effective_roles(&pol, 0x1004), 0x1014);
	assert_int_equal(omacp_state_policy_set(&st, 4119, 0), 0);
	assert_int_equal(omacp_policy_effective_roles(&pol, 0x1080), 0x1090);
}

static void test_pin_attempts(void **cs)
{
	(void)cs;
	omacp_state_init(&st);
	omacp_policy_init(&pol, OMACP_PROFILE_WM65, NULL, &st);
	assert_int_equal(omacp_policy_pin_attempts_left(&pol, &st), 3);
	st.pin_attempts = 2;
	assert_int_equal(omacp_policy_pin_attempts_left(&pol, &st), 1);
	st.pin_attempts = 3;
	assert_int_equal(omacp_policy_pin_attempts_left(&pol, &st), 0);
	st.pin_attempts = 9;
	assert_int_equal(omacp_policy_pin_attempts_left(&pol, &st), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4105, 10), 0);
	assert_int_equal(omacp_policy_pin_attempts_left(&pol, &st), 1);
	assert_int_equal(omacp_policy_pin_attempts_left(&pol, NULL), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_values),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_change_roles_and_values),
		cmocka_unit_test(test_addr_match),
		cmocka_unit_test(test_uri_match),
		cmocka_unit_test(test_origin_roles_worked_example),
		cmocka_unit_test(test_origin_roles_knobs),
		cmocka_unit_test(test_auth_roles),
		cmocka_unit_test(test_evaluate_bootstrap),
		cmocka_unit_test(test_evaluate_after_bootstrap),
		cmocka_unit_test(test_evaluate_oma_profile),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_pin_attempts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
