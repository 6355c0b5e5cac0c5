/* The HMAC-SHA1 test cases of RFC 2202 section 3 (published vectors), for
 * test_sec.c and the program test/t_sha1_alt.sh builds.  Keys and digests
 * in hex; the data as text, or in hex (data_hex) when data is NULL. */
#ifndef OMACP_TEST_RFC2202_H
#define OMACP_TEST_RFC2202_H

static const struct rfc2202_case {
	const char *key_hex, *data, *data_hex, *digest;
} rfc2202[] = {
	{"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", NULL,
	 "b617318655057264e28bc0b6fb378c8ef146be00"},
	{"4a656665", "what do ya want for nothing?", NULL,
	 "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL,
	 "dddddddddddddddddddddddddddddddddddddddddddddddddd"
	 "dddddddddddddddddddddddddddddddddddddddddddddddddd",
	 "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	{"0102030405060708090a0b0c0d0e0f10111213141516171819", NULL,
	 "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	 "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	 "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
	{"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "Test With Truncation", NULL,
	 "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	 "Test Using Larger Than Block-Size Key - Hash Key First", NULL,
	 "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	 "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
	 NULL, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
};

#endif
