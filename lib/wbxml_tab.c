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
 * Attribute-start entries are "name=prefix": the attribute name, '=', and
 * the value prefix the token stands for (empty when the value follows).
 */
#include <string.h>
#include "wbxml_int.h"

/* ---------------------------------------------------- attribute starts */

#define S0_FIRST 0x05
#define S0_LAST 0x5B
static const char *const start0[S0_LAST - S0_FIRST + 1] = {
#define T(x) [(x) - S0_FIRST]
	T(0x05) = "name=",
	T(0x06) = "value=",
	T(0x07) = "name=NAME",
	T(0x08) = "name=NAP-ADDRESS",
	T(0x09) = "name=NAP-ADDRTYPE",
	T(0x0A) = "name=CALLTYPE",
	T(0x0B) = "name=VALIDUNTIL",
	T(0x0C) = "name=AUTHTYPE",
	T(0x0D) = "name=AUTHNAME",
	T(0x0E) = "name=AUTHSECRET",
	T(0x0F) = "name=LINGER",
	T(0x10) = "name=BEARER",
	T(0x11) = "name=NAPID",
	T(0x12) = "name=COUNTRY",
	T(0x13) = "name=NETWORK",
	T(0x14) = "name=INTERNET",
	T(0x15) = "name=PROXY-ID",
	T(0x16) = "name=PROXY-PROVIDER-ID",
	T(0x17) = "name=DOMAIN",
	T(0x18) = "name=PROVURL",
	T(0x19) = "name=PXAUTH-TYPE",
	T(0x1A) = "name=PXAUTH-ID",
	T(0x1B) = "name=PXAUTH-PW",
	T(0x1C) = "name=STARTPAGE",
	T(0x1D) = "name=BASAUTH-ID",
	T(0x1E) = "name=BASAUTH-PW",
	T(0x1F) = "name=PUSHENABLED",
	T(0x20) = "name=PXADDR",
	T(0x21) = "name=PXADDRTYPE",
	T(0x22) = "name=TO-NAPID",
	T(0x23) = "name=PORTNBR",
	T(0x24) = "name=SERVICE",
	T(0x25) = "name=LINKSPEED",
	T(0x26) = "name=DNLINKSPEED",
	T(0x27) = "name=LOCAL-ADDR",
	T(0x28) = "name=LOCAL-ADDRTYPE",
	T(0x29) = "name=CONTEXT-ALLOW",
	T(0x2A) = "name=TRUST",
	T(0x2B) = "name=MASTER",
	T(0x2C) = "name=SID",
	T(0x2D) = "name=SOC",
	T(0x2E) = "name=WSP-VERSION",
	T(0x2F) = "name=PHYSICAL-PROXY-ID",
	T(0x30) = "name=CLIENT-ID",
	T(0x31) = "name=DELIVERY-ERR-SDU",
	T(0x32) = "name=DELIVERY-ORDER",
	T(0x33) = "name=TRAFFIC-CLASS",
	T(0x34) = "name=MAX-SDU-SIZE",
	T(0x35) = "name=MAX-BITRATE-UPLINK",
	T(0x36) = "name=MAX-BITRATE-DNLINK",
	T(0x37) = "name=RESIDUAL-BER",
	T(0x38) = "name=SDU-ERROR-RATIO",
	T(0x39) = "name=TRAFFIC-HANDL-PRIO",
	T(0x3A) = "name=TRANSFER-DELAY",
	T(0x3B) = "name=GUARANTEED-BITRATE-UPLINK",
	T(0x3C) = "name=GUARANTEED-BITRATE-DNLINK",
	T(0x3D) = "name=PXADDR-FQDN",
	T(0x3E) = "name=PROXY-PW",
	T(0x3F) = "name=PPGAUTH-TYPE",
	/* 0x40-0x44: global tokens */
	T(0x45) = "version=",
	T(0x46) = "version=1.0",
	T(0x47) = "name=PULLENABLED",
	T(0x48) = "name=DNS-ADDR",
	T(0x49) = "name=MAX-NUM-RETRY",
	T(0x4A) = "name=FIRST-RETRY-TIMEOUT",
	T(0x4B) = "name=REREG-THRESHOLD",
	T(0x4C) = "name=T-BIT",
	/* 0x4D unassigned */
	T(0x4E) = "name=AUTH-ENTITY",
	T(0x4F) = "name=SPI",
	T(0x50) = "type=",
	T(0x51) = "type=PXLOGICAL",
	T(0x52) = "type=PXPHYSICAL",
	T(0x53) = "type=PORT",
	T(0x54) = "type=VALIDITY",
	T(0x55) = "type=NAPDEF",
	T(0x56) = "type=BOOTSTRAP",
	T(0x57) = "type=VENDORCONFIG",
	T(0x58) = "type=CLIENTIDENTITY",
	T(0x59) = "type=PXAUTHINFO",
	T(0x5A) = "type=NAPAUTHINFO",
	T(0x5B) = "type=ACCESS",
#undef T
};

#define S1_FIRST 0x05
#define S1_LAST 0x59
static const char *const start1[S1_LAST - S1_FIRST + 1] = {
#define T(x) [(x) - S1_FIRST]
	T(0x05) = "name=",
	T(0x06) = "value=",
	T(0x07) = "name=NAME",
	T(0x14) = "name=INTERNET",
	T(0x1C) = "name=STARTPAGE",
	T(0x22) = "name=TO-NAPID",
	T(0x23) = "name=PORTNBR",
	T(0x24) = "name=SERVICE",
	T(0x2E) = "name=AACCEPT",
	T(0x2F) = "name=AAUTHDATA",
	T(0x30) = "name=AAUTHLEVEL",
	T(0x31) = "name=AAUTHNAME",
	T(0x32) = "name=AAUTHSECRET",
	T(0x33) = "name=AAUTHTYPE",
	T(0x34) = "name=ADDR",
	T(0x35) = "name=ADDRTYPE",
	T(0x36) = "name=APPID",
	T(0x37) = "name=APROTOCOL",
	T(0x38) = "name=PROVIDER-ID",
	T(0x39) = "name=TO-PROXY",
	T(0x3A) = "name=URI",
	T(0x3B) = "name=RULE",
	T(0x50) = "type=",
	T(0x53) = "type=PORT",
	T(0x55) = "type=APPLICATION",
	T(0x56) = "type=APPADDR",
	T(0x57) = "type=APPAUTH",
	T(0x58) = "type=CLIENTIDENTITY",
	T(0x59) = "type=RESOURCE",
#undef T
};

/* Windows Mobile 5+ attribute page 200 (wm-security-model.md 4.2). */
#define SW_FIRST 0x60
#define SW_LAST 0x75
static const char *const startw[SW_LAST - SW_FIRST + 1] = {
	"datatype=",
	"datatype=string",
	"datatype=float",
	"datatype=date",
	"datatype=time",
	"datatype=boolean",
	"datatype=binary",
	"datatype=multiplestring",
	"datatype=integer",
	"maxvalue=",
	"minvalue=",
	"maxlength=",
	"options=",
	"multiple=",
	"semantic-type=",
	"rw-access=",
	"nooverwrite=",
	"access-role=",
	"label=",
	"desc=",
	"recursive=",
	"code=",
};

/* ----------------------------------------------------- attribute values */

#define V0_FIRST 0x85
#define V0_LAST 0xE1
static const char *const value0[V0_LAST - V0_FIRST + 1] = {
#define T(x) [(x) - V0_FIRST]
	T(0x85) = "IPV4",
	T(0x86) = "IPV6",
	T(0x87) = "E164",
	T(0x88) = "ALPHA",
	T(0x89) = "APN",
	T(0x8A) = "SCODE",
	T(0x8B) = "TETRA-ITSI",
	T(0x8C) = "MAN",
	T(0x90) = "ANALOG-MODEM",
	T(0x91) = "V.120",
	T(0x92) = "V.110",
	T(0x93) = "X.31",
	T(0x94) = "BIT-TRANSPARENT",
	T(0x95) = "DIRECT-ASYNCHRONOUS-DATA-SERVICE",
	T(0x9A) = "PAP",
	T(0x9B) = "CHAP",
	T(0x9C) = "HTTP-BASIC",
	T(0x9D) = "HTTP-DIGEST",
	T(0x9E) = "WTLS-SS",
	T(0x9F) = "MD5",
	T(0xA2) = "GSM-USSD",
	T(0xA3) = "GSM-SMS",
	T(0xA4) = "ANSI-136-GUTS",
	T(0xA5) = "IS-95-CDMA-SMS",
	T(0xA6) = "IS-95-CDMA-CSD",
	T(0xA7) = "IS-95-CDMA-PACKET",
	T(0xA8) = "ANSI-136-CSD",
	T(0xA9) = "ANSI-136-GPRS",
	T(0xAA) = "GSM-CSD",
	T(0xAB) = "GSM-GPRS",
	T(0xAC) = "AMPS-CDPD",
	T(0xAD) = "PDC-CSD",
	T(0xAE) = "PDC-PACKET",
	T(0xAF) = "IDEN-SMS",
	T(0xB0) = "IDEN-CSD",
	T(0xB1) = "IDEN-PACKET",
	T(0xB2) = "FLEX/REFLEX",
	T(0xB3) = "PHS-SMS",
	T(0xB4) = "PHS-CSD",
	T(0xB5) = "TETRA-SDS",
	T(0xB6) = "TETRA-PACKET",
	T(0xB7) = "ANSI-136-GHOST",
	T(0xB8) = "MOBITEX-MPAK",
	T(0xB9) = "CDMA2000-1X-SIMPLE-IP",
	T(0xBA) = "CDMA2000-1X-MOBILE-IP",
	/* 0xC0-0xC4: global tokens */
	T(0xC5) = "AUTOBAUDING",
	T(0xCA) = "CL-WSP",
	T(0xCB) = "CO-WSP",
	T(0xCC) = "CL-SEC-WSP",
	T(0xCD) = "CO-SEC-WSP",
	T(0xCE) = "CL-SEC-WTA",
	T(0xCF) = "CO-SEC-WTA",
	T(0xD0) = "OTA-HTTP-TO",
	T(0xD1) = "OTA-HTTP-TLS-TO",
	T(0xD2) = "OTA-HTTP-PO",
	T(0xD3) = "OTA-HTTP-TLS-PO",
	T(0xE0) = "AAA",
	T(0xE1) = "HA",
#undef T
};

#define V1_FIRST 0x86
#define V1_LAST 0x93
static const char *const value1[V1_LAST - V1_FIRST + 1] = {
#define T(x) [(x) - V1_FIRST]
	T(0x86) = "IPV6",
	T(0x87) = "E164",
	T(0x88) = "ALPHA",
	T(0x8D) = "APPSRV",
	T(0x8E) = "OBEX",
	T(0x90) = ",",
	T(0x91) = "HTTP-",
	T(0x92) = "BASIC",
	T(0x93) = "DIGEST",
#undef T
};

/* One table: the entries for tokens first..first+n-1 on one page. */
typedef struct tab {
	uint8_t page, first, n;
	const char *const *s;
} tab;

/* In search order (page 0, 1, 200). */
static const tab starts[] = {
	{ 0, S0_FIRST, S0_LAST - S0_FIRST + 1, start0 },
	{ 1, S1_FIRST, S1_LAST - S1_FIRST + 1, start1 },
	{ OMACP__WB_PAGE_WM, SW_FIRST, SW_LAST - SW_FIRST + 1, startw },
};
static const tab values[] = {
	{ 0, V0_FIRST, V0_LAST - V0_FIRST + 1, value0 },
	{ 1, V1_FIRST, V1_LAST - V1_FIRST + 1, value1 },
};

static const char *tab_get(const tab *t, size_t nt, unsigned page, unsigned tok)
{
	size_t i;
	for (i = 0; i < nt; i++) {
		if (t[i].page == page) {
			if (tok < t[i].first || tok - t[i].first >= t[i].n)
				return NULL;
			return t[i].s[tok - t[i].first];
		}
	}
	return NULL;
}

const char *omacp__wbxml_attr_start(unsigned page, unsigned tok)
{
	return tab_get(starts, sizeof starts / sizeof starts[0], page, tok);
}

const char *omacp__wbxml_attr_value(unsigned page, unsigned tok)
{
	return tab_get(values, sizeof values / sizeof values[0], page, tok);
}

/* --------------------------------------------------------------- tags */

omacp_elem omacp__wbxml_tag(unsigned page, unsigned tok)
{
	/* Windows Mobile: 0x20-0x29 on page 0 (WM2003) and 200 (WM5+), in the
	 * order of the omacp_elem enum from CHARACTERISTIC_QUERY on. */
	if ((page == 0 || page == OMACP__WB_PAGE_WM) && tok >= 0x20 && tok <= 0x29)
		return (omacp_elem)(OMACP_ELEM_CHARACTERISTIC_QUERY + (int)(tok - 0x20));
	if (page == 0 && tok == 0x05)
		return OMACP_ELEM_DOC;
	if ((page == 0 || page == 1) && (tok == 0x06 || tok == 0x07))
		return tok == 0x06 ? OMACP_ELEM_CHARACTERISTIC : OMACP_ELEM_PARM;
	return OMACP_ELEM_NONE;
}

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

/* ------------------------------------------------------- reverse lookup */

int omacp__wbxml_find_start(const uint8_t *n, size_t nl, const uint8_t *v,
                            size_t vl, unsigned *page)
{
	size_t i, k;
	for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
		for (k = 0; k < starts[i].n; k++) {
			const char *s = starts[i].s[k];
			if (s && strlen(s) == nl + 1 + vl && s[nl] == '=' &&
			    memcmp(s, n, nl) == 0 && (vl == 0 || memcmp(s + nl + 1, v, vl) == 0)) {
				*page = starts[i].page;
				return starts[i].first + (int)k;
			}
		}
	}
	return -1;
}

int omacp__wbxml_find_value(const uint8_t *v, size_t vl, unsigned *page)
{
	size_t i, k;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		for (k = 0; k < values[i].n; k++) {
			const char *s = values[i].s[k];
			if (s && strlen(s) == vl && memcmp(s, v, vl) == 0) {
				*page = values[i].page;
				return values[i].first + (int)k;
			}
		}
	}
	return -1;
}

/* ----------------------------------------------------------------- UTF-8 */

int omacp__utf8_step(uint8_t st[3], uint8_t c)
{
	if (st[0]) {
		if (c < st[1] || c > st[2])
			return -1;
		st[0]--;
		st[1] = 0x80;
		st[2] = 0xBF;
		return 0;
	}
	if (c < 0x80)
		return c ? 0 : -1;
	st[1] = 0x80;
	st[2] = 0xBF;
	if (c < 0xC2)
		return -1;
	if (c < 0xE0) {
		st[0] = 1;
	} else if (c < 0xF0) {
		st[0] = 2;
		if (c == 0xE0)
			st[1] = 0xA0;   /* no overlong forms */
		else if (c == 0xED)
			st[2] = 0x9F;   /* no surrogates */
	} else if (c < 0xF5) {
		st[0] = 3;
		if (c == 0xF0)
			st[1] = 0x90;
		else if (c == 0xF4)
			st[2] = 0x8F;   /* <= U+10FFFF */
	} else {
		return -1;
	}
	return 0;
}

int omacp__utf8_ok(const uint8_t *p, size_t n)
{
	uint8_t st[3] = { 0, 0, 0 };
	size_t i;
	for (i = 0; i < n; i++) {
		if (omacp__utf8_step(st, p[i]) < 0)
			return 0;
	}
	return st[0] == 0;
}
