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
	size_t i, end;

	if (!ud || !out)
		return OMACP_E_ARG;
	memset(out, 0, sizeof *out);
	if (n < 1 || (size_t)ud[0] + 1u > n)
		return OMACP_E_UDH;
	end = 1u + ud[0];
	i = 1;
#ifndef __OPTIMIZE_SIZE__
	/* Speed builds: the header omacp_sms_segment writes, a 16-bit port IE
	 * alone or then an 8-bit concatenation IE, read at once (the same
	 * fields as the loop below would set). */
	if ((end == 7u || (end == 12u && ud[7] == IEI_CONCAT8 && ud[8] == 3u)) &&
	    ud[1] == IEI_PORT16 && ud[2] == 4u) {
		out->has_ports = 1;
		out->dst_port = (uint16_t)(ud[3] << 8 | ud[4]);
		out->src_port = (uint16_t)(ud[5] << 8 | ud[6]);
		if (end == 12u) {
			out->has_concat = 1;
			out->ref = ud[9];
			out->total = ud[10];
			out->seq = ud[11];
		}
		i = end;
	}
#endif
	for (; i < end;) {
		const uint8_t *d = ud + i;
		unsigned iei = d[0], len, x, v;
		if (end - i < 2u || d[1] > end - i - 2u)
			return OMACP_E_UDH; /* no length byte, or past the header */
		len = d[1];
		i += 2u + len;
		/* x = the length - 1 of IEs 0x00 (3), 0x04 (2), 0x05 (4) and
		 * 0x08 (4), two bits per IEI in 0x30D02; 0: any other IE,
		 * skipped by its length */
		x = iei <= IEI_CONCAT16 ? 0x30D02u >> 2u * iei & 3u : 0u;
		if (!x)
			continue;
		if (len != x + 1u)
			return OMACP_E_UDH;
		/* The fields as one number: the reference or destination port
		 * in the upper 16 bits, total << 8 | seq or the source port in
		 * the lower (an 8-bit port is shifted up by 16, not 8). */
#ifdef __OPTIMIZE_SIZE__
		v = 0;
		for (unsigned j = 0; j < len; j++)
			v = v << (iei == IEI_PORT8 ? 16u : 8u) | d[2u + j];
#else
		/* the same, unrolled (len 2: the 8-bit port IE) */
		if (len == 2u) {
			v = (unsigned)d[2] << 16 | d[3];
		} else {
			v = (unsigned)d[2] << 16 | (unsigned)d[3] << 8 | d[4];
			if (len == 4u)
				v = v << 8 | d[5];
		}
#endif
		if (iei & IEI_PORT8) { /* 0x04 or 0x05 */
			out->has_ports = 1;
			out->dst_port = (uint16_t)(v >> 16);
			out->src_port = (uint16_t)v;
		} else {
			out->has_concat = 1;
			out->ref16 = (int)(iei >> 3); /* 0x08 */
			out->ref = (uint16_t)(v >> 16);
			out->total = (uint8_t)(v >> 8);
			out->seq = (uint8_t)v;
		}
	}
	out->udh.ptr = ud;
	out->udh.len = end;
	out->payload.ptr = ud + end;
	out->payload.len = n - end;
	/* seq 0 or above total (which covers total 0) */
	if (out->has_concat && (unsigned)out->seq - 1u >= out->total)
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
