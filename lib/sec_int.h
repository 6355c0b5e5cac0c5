/* Internal helpers of the SEC layer (sec.c), for the client. */
#ifndef OMACP_SEC_INT_H
#define OMACP_SEC_INT_H

#include <stddef.h>
#include <stdint.h>
#include "omacp/sec.h"

/*
 * Verify body[0..n) under method m with the MAC already parsed into
 * mac[0..20) (omacp_sec_mac_parse); for USERPINMAC pin is K || m and mac is
 * ignored.  mac NULL means the MAC text was malformed.  Returns what
 * omacp_sec_verify returns for the same inputs (it is built on this): the
 * key errors first (OMACP_E_SEC_METHOD, _IMSI, _PIN), then
 * OMACP_E_SEC_MAC_MALFORMED (mac NULL), OMACP_E_SEC_MISMATCH or OMACP_OK.
 * One whole HMAC; every key, digit and digest buffer is wiped.  body must
 * be readable for n bytes.
 */
omacp_err omacp__sec_check(omacp_sec m, const char *imsi, const char *pin,
                           const uint8_t *body, size_t n,
                           const uint8_t mac[OMACP_MAC_LEN]);

#endif
