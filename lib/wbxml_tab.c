/*
 * PROV WBXML token tables: OMA ProvCont 1.1 code pages 0 and 1, and the
 * Windows Mobile extensions (tags 0x20-0x29 on tag pages 0 and 200,
 * attribute-start tokens 0x60-0x75 on attribute page 200).
 *
 * Sources: reference/oma-cp-facts.md section 1 (where the public token tables
 * disagree, the verdicts of section 1.7 are used: TETRA, not TRETRA; 1X with
 * the digit one; AUTOBAUDING; DELIVERY-ERR-SDU; AAA/HA on page 0; the page-1
 * AAUTHTYPE building blocks at 0x90-0x93), and reference/wm-security-model.md
 * section 4.
 *
 * Layout (flash): every distinct string once, in one blob without
 * terminators, found through a table of 16-bit offsets; the token tables hold
 * 8-bit string numbers.  An attribute-start token is a pair (name, value
 * prefix); 0 as prefix is the empty string (the value follows).
 */
#include <stddef.h>
#include <string.h>
#include "wbxml_int.h"
#include "wbxml_str.h"

/* ------------------------------------------------------------ strings */

/* The strings and their numbers: wbxml_str.h. */

/* The blob's layout: offsetof() of each member is the string's offset. */
struct str_layout {
#define X(id, s) char id[sizeof s - 1];
	OMACP__WB_STRINGS(X)
#undef X
};

const char omacp__wbxml_str[] =
#define X(id, s) s
	OMACP__WB_STRINGS(X)
#undef X
	;

const uint16_t omacp__wbxml_off[OMACP__WB_NSTR + 1] = {
	0,
#define X(id, s) offsetof(struct str_layout, id),
	OMACP__WB_STRINGS(X)
#undef X
	sizeof(struct str_layout)
};

/* The offsets fit in 16 bits, the string numbers in 8, and the blob has no
 * padding (a negative array size stops the build otherwise). */
typedef char omacp__wbxml_str_fits[(sizeof(struct str_layout) == sizeof omacp__wbxml_str - 1 &&
                                    sizeof omacp__wbxml_str <= 0xFFFF && OMACP__WB_NSTR <= 256) ? 1 : -1];

/* ---------------------------------------------------- attribute starts */

/* X(token, name, value prefix); a token not listed is unassigned. */
#define START0(X) \
	X(0x05, L_NAME, 0) \
	X(0x06, L_VALUE, 0) \
	X(0x07, L_NAME, S_NAME) \
	X(0x08, L_NAME, S_NAP_ADDRESS) \
	X(0x09, L_NAME, S_NAP_ADDRTYPE) \
	X(0x0A, L_NAME, S_CALLTYPE) \
	X(0x0B, L_NAME, S_VALIDUNTIL) \
	X(0x0C, L_NAME, S_AUTHTYPE) \
	X(0x0D, L_NAME, S_AUTHNAME) \
	X(0x0E, L_NAME, S_AUTHSECRET) \
	X(0x0F, L_NAME, S_LINGER) \
	X(0x10, L_NAME, S_BEARER) \
	X(0x11, L_NAME, S_NAPID) \
	X(0x12, L_NAME, S_COUNTRY) \
	X(0x13, L_NAME, S_NETWORK) \
	X(0x14, L_NAME, S_INTERNET) \
	X(0x15, L_NAME, S_PROXY_ID) \
	X(0x16, L_NAME, S_PROXY_PROVIDER_ID) \
	X(0x17, L_NAME, S_DOMAIN) \
	X(0x18, L_NAME, S_PROVURL) \
	X(0x19, L_NAME, S_PXAUTH_TYPE) \
	X(0x1A, L_NAME, S_PXAUTH_ID) \
	X(0x1B, L_NAME, S_PXAUTH_PW) \
	X(0x1C, L_NAME, S_STARTPAGE) \
	X(0x1D, L_NAME, S_BASAUTH_ID) \
	X(0x1E, L_NAME, S_BASAUTH_PW) \
	X(0x1F, L_NAME, S_PUSHENABLED) \
	X(0x20, L_NAME, S_PXADDR) \
	X(0x21, L_NAME, S_PXADDRTYPE) \
	X(0x22, L_NAME, S_TO_NAPID) \
	X(0x23, L_NAME, S_PORTNBR) \
	X(0x24, L_NAME, S_SERVICE) \
	X(0x25, L_NAME, S_LINKSPEED) \
	X(0x26, L_NAME, S_DNLINKSPEED) \
	X(0x27, L_NAME, S_LOCAL_ADDR) \
	X(0x28, L_NAME, S_LOCAL_ADDRTYPE) \
	X(0x29, L_NAME, S_CONTEXT_ALLOW) \
	X(0x2A, L_NAME, S_TRUST) \
	X(0x2B, L_NAME, S_MASTER) \
	X(0x2C, L_NAME, S_SID) \
	X(0x2D, L_NAME, S_SOC) \
	X(0x2E, L_NAME, S_WSP_VERSION) \
	X(0x2F, L_NAME, S_PHYSICAL_PROXY_ID) \
	X(0x30, L_NAME, S_CLIENT_ID) \
	X(0x31, L_NAME, S_DELIVERY_ERR_SDU) \
	X(0x32, L_NAME, S_DELIVERY_ORDER) \
	X(0x33, L_NAME, S_TRAFFIC_CLASS) \
	X(0x34, L_NAME, S_MAX_SDU_SIZE) \
	X(0x35, L_NAME, S_MAX_BITRATE_UPLINK) \
	X(0x36, L_NAME, S_MAX_BITRATE_DNLINK) \
	X(0x37, L_NAME, S_RESIDUAL_BER) \
	X(0x38, L_NAME, S_SDU_ERROR_RATIO) \
	X(0x39, L_NAME, S_TRAFFIC_HANDL_PRIO) \
	X(0x3A, L_NAME, S_TRANSFER_DELAY) \
	X(0x3B, L_NAME, S_GUARANTEED_BITRATE_UPLINK) \
	X(0x3C, L_NAME, S_GUARANTEED_BITRATE_DNLINK) \
	X(0x3D, L_NAME, S_PXADDR_FQDN) \
	X(0x3E, L_NAME, S_PROXY_PW) \
	X(0x3F, L_NAME, S_PPGAUTH_TYPE) \
	/* 0x40-0x44: global tokens */ \
	X(0x45, L_VERSION, 0) \
	X(0x46, L_VERSION, S_1_0) \
	X(0x47, L_NAME, S_PULLENABLED) \
	X(0x48, L_NAME, S_DNS_ADDR) \
	X(0x49, L_NAME, S_MAX_NUM_RETRY) \
	X(0x4A, L_NAME, S_FIRST_RETRY_TIMEOUT) \
	X(0x4B, L_NAME, S_REREG_THRESHOLD) \
	X(0x4C, L_NAME, S_T_BIT) \
	/* 0x4D unassigned */ \
	X(0x4E, L_NAME, S_AUTH_ENTITY) \
	X(0x4F, L_NAME, S_SPI) \
	X(0x50, L_TYPE, 0) \
	X(0x51, L_TYPE, S_PXLOGICAL) \
	X(0x52, L_TYPE, S_PXPHYSICAL) \
	X(0x53, L_TYPE, S_PORT) \
	X(0x54, L_TYPE, S_VALIDITY) \
	X(0x55, L_TYPE, S_NAPDEF) \
	X(0x56, L_TYPE, S_BOOTSTRAP) \
	X(0x57, L_TYPE, S_VENDORCONFIG) \
	X(0x58, L_TYPE, S_CLIENTIDENTITY) \
	X(0x59, L_TYPE, S_PXAUTHINFO) \
	X(0x5A, L_TYPE, S_NAPAUTHINFO) \
	X(0x5B, L_TYPE, S_ACCESS)

#define START1(X) \
	X(0x05, L_NAME, 0) \
	X(0x06, L_VALUE, 0) \
	X(0x07, L_NAME, S_NAME) \
	X(0x14, L_NAME, S_INTERNET) \
	X(0x1C, L_NAME, S_STARTPAGE) \
	X(0x22, L_NAME, S_TO_NAPID) \
	X(0x23, L_NAME, S_PORTNBR) \
	X(0x24, L_NAME, S_SERVICE) \
	X(0x2E, L_NAME, S_AACCEPT) \
	X(0x2F, L_NAME, S_AAUTHDATA) \
	X(0x30, L_NAME, S_AAUTHLEVEL) \
	X(0x31, L_NAME, S_AAUTHNAME) \
	X(0x32, L_NAME, S_AAUTHSECRET) \
	X(0x33, L_NAME, S_AAUTHTYPE) \
	X(0x34, L_NAME, S_ADDR) \
	X(0x35, L_NAME, S_ADDRTYPE) \
	X(0x36, L_NAME, S_APPID) \
	X(0x37, L_NAME, S_APROTOCOL) \
	X(0x38, L_NAME, S_PROVIDER_ID) \
	X(0x39, L_NAME, S_TO_PROXY) \
	X(0x3A, L_NAME, S_URI) \
	X(0x3B, L_NAME, S_RULE) \
	X(0x50, L_TYPE, 0) \
	X(0x53, L_TYPE, S_PORT) \
	X(0x55, L_TYPE, S_APPLICATION) \
	X(0x56, L_TYPE, S_APPADDR) \
	X(0x57, L_TYPE, S_APPAUTH) \
	X(0x58, L_TYPE, S_CLIENTIDENTITY) \
	X(0x59, L_TYPE, S_RESOURCE)

/* Windows Mobile 5+ attribute page 200 (wm-security-model.md 4.2). */
#define STARTW(X) \
	X(0x60, L_DATATYPE, 0) \
	X(0x61, L_DATATYPE, L_STRING) \
	X(0x62, L_DATATYPE, L_FLOAT) \
	X(0x63, L_DATATYPE, L_DATE) \
	X(0x64, L_DATATYPE, L_TIME) \
	X(0x65, L_DATATYPE, L_BOOLEAN) \
	X(0x66, L_DATATYPE, L_BINARY) \
	X(0x67, L_DATATYPE, L_MULTIPLESTRING) \
	X(0x68, L_DATATYPE, L_INTEGER) \
	X(0x69, L_MAXVALUE, 0) \
	X(0x6A, L_MINVALUE, 0) \
	X(0x6B, L_MAXLENGTH, 0) \
	X(0x6C, L_OPTIONS, 0) \
	X(0x6D, L_MULTIPLE, 0) \
	X(0x6E, L_SEMANTIC_TYPE, 0) \
	X(0x6F, L_RW_ACCESS, 0) \
	X(0x70, L_NOOVERWRITE, 0) \
	X(0x71, L_ACCESS_ROLE, 0) \
	X(0x72, L_LABEL, 0) \
	X(0x73, L_DESC, 0) \
	X(0x74, L_RECURSIVE, 0) \
	X(0x75, L_CODE, 0)

#define VALUE0(X) \
	X(0x85, S_IPV4) \
	X(0x86, S_IPV6) \
	X(0x87, S_E164) \
	X(0x88, S_ALPHA) \
	X(0x89, S_APN) \
	X(0x8A, S_SCODE) \
	X(0x8B, S_TETRA_ITSI) \
	X(0x8C, S_MAN) \
	X(0x90, S_ANALOG_MODEM) \
	X(0x91, S_V_120) \
	X(0x92, S_V_110) \
	X(0x93, S_X_31) \
	X(0x94, S_BIT_TRANSPARENT) \
	X(0x95, S_DIRECT_ASYNCHRONOUS_DATA_SERVICE) \
	X(0x9A, S_PAP) \
	X(0x9B, S_CHAP) \
	X(0x9C, S_HTTP_BASIC) \
	X(0x9D, S_HTTP_DIGEST) \
	X(0x9E, S_WTLS_SS) \
	X(0x9F, S_MD5) \
	X(0xA2, S_GSM_USSD) \
	X(0xA3, S_GSM_SMS) \
	X(0xA4, S_ANSI_136_GUTS) \
	X(0xA5, S_IS_95_CDMA_SMS) \
	X(0xA6, S_IS_95_CDMA_CSD) \
	X(0xA7, S_IS_95_CDMA_PACKET) \
	X(0xA8, S_ANSI_136_CSD) \
	X(0xA9, S_ANSI_136_GPRS) \
	X(0xAA, S_GSM_CSD) \
	X(0xAB, S_GSM_GPRS) \
	X(0xAC, S_AMPS_CDPD) \
	X(0xAD, S_PDC_CSD) \
	X(0xAE, S_PDC_PACKET) \
	X(0xAF, S_IDEN_SMS) \
	X(0xB0, S_IDEN_CSD) \
	X(0xB1, S_IDEN_PACKET) \
	X(0xB2, S_FLEX_REFLEX) \
	X(0xB3, S_PHS_SMS) \
	X(0xB4, S_PHS_CSD) \
	X(0xB5, S_TETRA_SDS) \
	X(0xB6, S_TETRA_PACKET) \
	X(0xB7, S_ANSI_136_GHOST) \
	X(0xB8, S_MOBITEX_MPAK) \
	X(0xB9, S_CDMA2000_1X_SIMPLE_IP) \
	X(0xBA, S_CDMA2000_1X_MOBILE_IP) \
	/* 0xC0-0xC4: global tokens */ \
	X(0xC5, S_AUTOBAUDING) \
	X(0xCA, S_CL_WSP) \
	X(0xCB, S_CO_WSP) \
	X(0xCC, S_CL_SEC_WSP) \
	X(0xCD, S_CO_SEC_WSP) \
	X(0xCE, S_CL_SEC_WTA) \
	X(0xCF, S_CO_SEC_WTA) \
	X(0xD0, S_OTA_HTTP_TO) \
	X(0xD1, S_OTA_HTTP_TLS_TO) \
	X(0xD2, S_OTA_HTTP_PO) \
	X(0xD3, S_OTA_HTTP_TLS_PO) \
	X(0xE0, S_AAA) \
	X(0xE1, S_HA)

#define VALUE1(X) \
	X(0x86, S_IPV6) \
	X(0x87, S_E164) \
	X(0x88, S_ALPHA) \
	X(0x8D, S_APPSRV) \
	X(0x8E, S_OBEX) \
	X(0x90, S_COMMA) \
	X(0x91, S_HTTP_) \
	X(0x92, S_BASIC) \
	X(0x93, S_DIGEST)

#define S0_FIRST 0x05
#define S0_N (0x5B - S0_FIRST + 1)
#define S1_FIRST 0x05
#define S1_N (0x59 - S1_FIRST + 1)
#define SW_FIRST 0x60
#define SW_N (0x75 - SW_FIRST + 1)
#define S1_BASE S0_N
#define SW_BASE (S0_N + S1_N)
#define NSTART (SW_BASE + SW_N)

#define V0_FIRST 0x85
#define V0_N (0xE1 - V0_FIRST + 1)
#define V1_FIRST 0x86
#define V1_N (0x93 - V1_FIRST + 1)
#define V1_BASE V0_N
#define NVALUE (V1_BASE + V1_N)

const uint8_t omacp__wbxml_start_name[NSTART] = {
#define X(t, n, p) [(t) - S0_FIRST] = OMACP__##n,
	START0(X)
#undef X
#define X(t, n, p) [S1_BASE + (t) - S1_FIRST] = OMACP__##n,
	START1(X)
#undef X
#define X(t, n, p) [SW_BASE + (t) - SW_FIRST] = OMACP__##n,
	STARTW(X)
#undef X
};

const uint8_t omacp__wbxml_start_pref[NSTART] = {
#define X(t, n, p) [(t) - S0_FIRST] = OMACP__##p,
	START0(X)
#undef X
#define X(t, n, p) [S1_BASE + (t) - S1_FIRST] = OMACP__##p,
	START1(X)
#undef X
#define X(t, n, p) [SW_BASE + (t) - SW_FIRST] = OMACP__##p,
	STARTW(X)
#undef X
};

#ifndef __OPTIMIZE_SIZE__
/* Speed only: each string's offset and length as constants, and the
 * attribute-space token tables with them resolved (omacp__wbxml_tokx). */
enum {
	OFF_0 = 0, LEN_0 = 0, /* prefix 0: the empty string */
#define X(id, s) OFF_##id = offsetof(struct str_layout, id), LEN_##id = sizeof s - 1,
	OMACP__WB_STRINGS(X)
#undef X
	OFF_END_
};
/* no string is empty (a zero-width named bit-field stops the build), so a
 * length of 0 means "no string" */
struct omacp__wbxml_nonempty {
#define X(id, s) unsigned id : (sizeof s > 1);
	OMACP__WB_STRINGS(X)
#undef X
};

const omacp__wbxml_tokx omacp__wbxml_tokx_pg[3][256] = {
#define X(t, n, p) [0][t] = { OFF_##n, OFF_##p, LEN_##n, LEN_##p, OMACP__##p },
	START0(X)
#undef X
#define X(t, n, p) [1][t] = { OFF_##n, OFF_##p, LEN_##n, LEN_##p, OMACP__##p },
	START1(X)
#undef X
#define X(t, n, p) [2][t] = { OFF_##n, OFF_##p, LEN_##n, LEN_##p, OMACP__##p },
	STARTW(X)
#undef X
#define X(t, s) [0][t] = { OFF_##s, 0, LEN_##s, 0 },
	VALUE0(X)
#undef X
#define X(t, s) [1][t] = { OFF_##s, 0, LEN_##s, 0 },
	VALUE1(X)
#undef X
};
#endif

const uint8_t omacp__wbxml_value[NVALUE] = {
#define X(t, s) [(t) - V0_FIRST] = OMACP__##s,
	VALUE0(X)
#undef X
#define X(t, s) [V1_BASE + (t) - V1_FIRST] = OMACP__##s,
	VALUE1(X)
#undef X
};

#ifndef __OPTIMIZE_SIZE__
#define WM_TAGS_ \
	[0x20] = OMACP_ELEM_CHARACTERISTIC_QUERY, [0x21] = OMACP_ELEM_CHARACTERISTIC_QUERY + 1, \
	[0x22] = OMACP_ELEM_CHARACTERISTIC_QUERY + 2, [0x23] = OMACP_ELEM_CHARACTERISTIC_QUERY + 3, \
	[0x24] = OMACP_ELEM_CHARACTERISTIC_QUERY + 4, [0x25] = OMACP_ELEM_CHARACTERISTIC_QUERY + 5, \
	[0x26] = OMACP_ELEM_CHARACTERISTIC_QUERY + 6, [0x27] = OMACP_ELEM_CHARACTERISTIC_QUERY + 7, \
	[0x28] = OMACP_ELEM_CHARACTERISTIC_QUERY + 8, [0x29] = OMACP_ELEM_CHARACTERISTIC_QUERY + 9
const uint8_t omacp__wbxml_tag_tab[3][64] = {
	{ [0x05] = OMACP_ELEM_DOC, [0x06] = OMACP_ELEM_CHARACTERISTIC, [0x07] = OMACP_ELEM_PARM,
	  WM_TAGS_ },
	{ [0x06] = OMACP_ELEM_CHARACTERISTIC, [0x07] = OMACP_ELEM_PARM },
	{ WM_TAGS_ },
};
#undef WM_TAGS_
#endif

const uint8_t omacp__wbxml_pg[3][6] = {
	{ S0_FIRST, S0_N, 0, V0_FIRST, V0_N, 0 },
	{ S1_FIRST, S1_N, S1_BASE, V1_FIRST, V1_N, V1_BASE },
	{ SW_FIRST, SW_N, SW_BASE, 0, 0, 0 },
};

/* ------------------------------------------------------- reverse lookup */

static size_t str_len(unsigned k)
{
	return (size_t)(omacp__wbxml_off[k + 1] - omacp__wbxml_off[k]);
}

unsigned omacp__wbxml_str_find(const uint8_t *p, size_t n)
{
	unsigned lo = 1, hi = OMACP__WB_NSTR;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const uint8_t *s = (const uint8_t *)omacp__wbxml_str + omacp__wbxml_off[mid];
		size_t ml = str_len(mid);
		int c = ml != n ? (ml < n ? -1 : 1) : s[0] != p[0] ? s[0] - p[0] :
		        memcmp(s + 1, p + 1, n - 1);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Page of entry k of arrays laid out in page order with the given bases. */
static unsigned page_of(size_t k, size_t base1, size_t base2)
{
	return k < base1 ? 0u : k < base2 ? 1u : OMACP__WB_PAGE_WM;
}

int omacp__wbxml_start_tok(unsigned name, unsigned pref, unsigned *page)
{
	/* look for the rarer of the two: the prefix, or the name of a bare
	 * token */
	const uint8_t *a = pref ? omacp__wbxml_start_pref : omacp__wbxml_start_name;
	const uint8_t *z = a;
	size_t k;
	while ((z = memchr(z, (int)(pref ? pref : name), (size_t)(a + NSTART - z))) != NULL) {
		k = (size_t)(z++ - a);
		if (omacp__wbxml_start_pref[k] == pref && omacp__wbxml_start_name[k] == name) {
			*page = page_of(k, S1_BASE, SW_BASE);
			return (int)(k < S1_BASE ? S0_FIRST + k :
			             k < SW_BASE ? S1_FIRST + k - S1_BASE : SW_FIRST + k - SW_BASE);
		}
	}
	return -1;
}

int omacp__wbxml_value_tok(unsigned val, unsigned *page)
{
	const uint8_t *z = val ? memchr(omacp__wbxml_value, (int)val, NVALUE) : NULL;
	size_t k;
	if (!z)
		return -1;
	k = (size_t)(z - omacp__wbxml_value);
	*page = page_of(k, V1_BASE, NVALUE);
	return (int)(k < V1_BASE ? V0_FIRST + k : V1_FIRST + k - V1_BASE);
}

/* --------------------------------------------------------------- tags */

unsigned omacp__wbxml_tag_token(omacp_elem e, unsigned *page)
{
	*page = 0;
	switch (e) {
	case OMACP_ELEM_DOC: return 0x05;
	case OMACP_ELEM_CHARACTERISTIC: return 0x06;
	case OMACP_ELEM_PARM: return 0x07;
	default: break;
	}
	if (e >= OMACP_ELEM_CHARACTERISTIC_QUERY && e < OMACP_ELEM_COUNT_) {
		*page = OMACP__WB_PAGE_WM;
		return 0x20u + (unsigned)(e - OMACP_ELEM_CHARACTERISTIC_QUERY);
	}
	return 0;
}

/* ----------------------------------------------------------------- UTF-8 */

size_t omacp__utf8_scan(uint8_t st[3], const uint8_t *p, size_t n)
{
	size_t i = 0;
	unsigned need = st[0], lo = st[1], hi = st[2], c;
	for (;;) {
		if (need) {
			if (i == n)
				break;
			c = p[i];
			if (c < lo || c > hi)
				break;
			need--;
			lo = 0x80;
			hi = 0xBF;
			i++;
			continue;
		}
		/* ASCII without NUL: a word at a time (not when compiled for
		 * size, -Os), then byte by byte */
#ifndef __OPTIMIZE_SIZE__
		/* speed only: ASCII a word at a time, and whole valid sequences
		 * of 2, 3 or 4 bytes while 4 bytes are left (anything else
		 * goes the general way below, with the same result) */
		while (n - i >= 4) {
			unsigned b = p[i], l, h;
			if (b - 1u < 0x7Fu) { /* a run of ASCII (at least b) */
				i += omacp__ascii_run(p + i, n - i);
				continue;
			}
			if (b < 0xC2) /* NUL, invalid */
				break;
			if (b < 0xE0) {
				if ((p[i + 1] & 0xC0u) != 0x80u)
					break;
				i += 2;
				continue;
			}
			if (b < 0xF0) { /* the second byte's range as below */
				l = b == 0xE0 ? 0xA0u : 0x80u;
				h = b == 0xED ? 0x9Fu : 0xBFu;
				if (p[i + 1] - l > h - l || (p[i + 2] & 0xC0u) != 0x80u)
					break;
				i += 3;
				continue;
			}
			if (b > 0xF4)
				break;
			l = b == 0xF0 ? 0x90u : 0x80u;
			h = b == 0xF4 ? 0x8Fu : 0xBFu;
			if (p[i + 1] - l > h - l || (p[i + 2] & 0xC0u) != 0x80u ||
			    (p[i + 3] & 0xC0u) != 0x80u)
				break;
			i += 4;
		}
#endif
		while (i < n && (uint8_t)(p[i] - 1u) < 0x7Fu)
			i++;
		if (i == n || p[i] == 0)
			break;
		c = p[i];
		lo = 0x80;
		hi = 0xBF;
		if (c < 0xC2 || c > 0xF4)
			break;
		if (c < 0xE0) {
			need = 1;
		} else if (c < 0xF0) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;   /* no overlong forms */
			else if (c == 0xED)
				hi = 0x9F;   /* no surrogates */
		} else {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;   /* <= U+10FFFF */
		}
		i++;
#ifndef __OPTIMIZE_SIZE__
		/* speed only: a whole valid sequence at once (anything else
		 * goes byte by byte above, with the same result) */
		if (n - i >= need && (unsigned)(p[i] - lo) <= hi - lo &&
		    (need < 2 || (p[i + 1] & 0xC0u) == 0x80u) &&
		    (need < 3 || (p[i + 2] & 0xC0u) == 0x80u)) {
			i += need;
			need = 0;
		}
#endif
	}
	st[0] = (uint8_t)need;
	st[1] = (uint8_t)lo;
	st[2] = (uint8_t)hi;
	return i;
}

int omacp__utf8_ok(const uint8_t *p, size_t n)
{
	uint8_t st[3] = { 0, 0, 0 };
	return omacp__utf8_scan(st, p, n) == n && st[0] == 0;
}
