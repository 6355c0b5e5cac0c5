/*
 * sms.c - SMS user-data header (3GPP TS 23.040 9.2.3.24): parse one SMS,
 * and cut a WSP PDU into SMS user data (port IE + concatenation IE).
 */
#include <string.h>
#include "omacp/push.h"

/* Information element identifiers used here. */
#define IEI_CONCAT8 0x00u
#define IEI_PORT8 0x04u
#define IEI_PORT16 0x05u
#define IEI_CONCAT16 0x08u

omacp_err omacp_sms_parse(const uint8_t *ud, size_t n, omacp_sms *out)
{
	size_t udhl, i, end;

	if (!ud || !out)
		return OMACP_E_ARG;
	memset(out, 0, sizeof *out);
	if (n < 1)
		return OMACP_E_UDH;
	udhl = ud[0];
	if (udhl + 1u > n)
		return OMACP_E_UDH;
	end = 1u + udhl;
	i = 1;
	while (i < end) {
		unsigned iei, iedl;
		const uint8_t *d;
		if (end - i < 2u)
			return OMACP_E_UDH; /* IEI without its length byte */
		iei = ud[i];
		iedl = ud[i + 1];
		if (iedl > end - i - 2u)
			return OMACP_E_UDH; /* IE runs past the header */
		d = ud + i + 2;
		switch (iei) {
		case IEI_CONCAT8:
			if (iedl != 3u)
				return OMACP_E_UDH;
			out->has_concat = 1;
			out->ref16 = 0;
			out->ref = d[0];
			out->total = d[1];
			out->seq = d[2];
			break;
		case IEI_CONCAT16:
			if (iedl != 4u)
				return OMACP_E_UDH;
			out->has_concat = 1;
			out->ref16 = 1;
			out->ref = (uint16_t)((unsigned)d[0] << 8 | d[1]);
			out->total = d[2];
			out->seq = d[3];
			break;
		case IEI_PORT8:
			if (iedl != 2u)
				return OMACP_E_UDH;
			out->has_ports = 1;
			out->dst_port = d[0];
			out->src_port = d[1];
			break;
		case IEI_PORT16:
			if (iedl != 4u)
				return OMACP_E_UDH;
			out->has_ports = 1;
			out->dst_port = (uint16_t)((unsigned)d[0] << 8 | d[1]);
			out->src_port = (uint16_t)((unsigned)d[2] << 8 | d[3]);
			break;
		default:
			break; /* skipped by its length */
		}
		i += 2u + iedl;
	}
	out->udh.ptr = ud;
	out->udh.len = end;
	out->payload.ptr = ud + end;
	out->payload.len = n - end;
	if (out->has_concat &&
	    (out->total == 0 || out->seq == 0 || out->seq > out->total))
		return OMACP_E_CONCAT;
	return OMACP_OK;
}

/* ------------------------------------------------------ segmentation */

omacp_err omacp_sms_segment(const uint8_t *pdu, size_t n,
                            const omacp_seg_params *p, omacp_seg_fn fn,
                            void *user)
{
	uint8_t udh[16];
	size_t udh_len, per, total, i;
	uint16_t dst = OMACP_PORT_PUSH, src = OMACP_PORT_WSP;
	uint16_t ref = 0;
	int ref16 = 0;

	if (!fn || (!pdu && n))
		return OMACP_E_ARG;
	if (p) {
		if (p->dst_port)
			dst = p->dst_port;
		if (p->src_port)
			src = p->src_port;
		ref = p->ref;
		ref16 = p->ref16 != 0;
		if (!ref16 && ref > 0xFFu)
			return OMACP_E_ARG;
	}
	udh[1] = IEI_PORT16;
	udh[2] = 4;
	udh[3] = (uint8_t)(dst >> 8);
	udh[4] = (uint8_t)dst;
	udh[5] = (uint8_t)(src >> 8);
	udh[6] = (uint8_t)src;
	if (n + 7u <= OMACP_SMS_UD_MAX) {
		udh[0] = 6;
		return fn(user, 1, 1, udh, 7, pdu, n);
	}
	if (ref16) {
		udh[0] = 12;
		udh[7] = IEI_CONCAT16;
		udh[8] = 4;
		udh[9] = (uint8_t)(ref >> 8);
		udh[10] = (uint8_t)ref;
		udh_len = 13;
	} else {
		udh[0] = 11;
		udh[7] = IEI_CONCAT8;
		udh[8] = 3;
		udh[9] = (uint8_t)ref;
		udh_len = 12;
	}
	per = OMACP_SMS_UD_MAX - udh_len;
	total = (n + per - 1u) / per;
	if (total > 255u)
		return OMACP_E_SEGMENTS;
	udh[udh_len - 2u] = (uint8_t)total;
	for (i = 0; i < total; i++) {
		size_t off = i * per, len = n - off < per ? n - off : per;
		omacp_err e;
		udh[udh_len - 1u] = (uint8_t)(i + 1u);
		e = fn(user, (unsigned)(i + 1u), (unsigned)total, udh, udh_len,
		       pdu + off, len);
		if (e != OMACP_OK)
			return e;
	}
	return OMACP_OK;
}
