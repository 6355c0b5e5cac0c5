#define _POSIX_C_SOURCE 200809L /* strdup under -std=c99 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

const char *tu_vpath(const char *dir, const char *file)
{
	static char buf[1024];
	snprintf(buf, sizeof buf, "%s/%s/%s", OMACP_TEST_VECTORS, dir, file);
	return buf;
}

uint8_t *tu_read(const char *path, size_t *len)
{
	char full[1024];
	FILE *f;
	uint8_t *buf;
	long sz;
	if (path[0] == '/')
		snprintf(full, sizeof full, "%s", path);
	else
		snprintf(full, sizeof full, "%s/%s", OMACP_TEST_VECTORS, path);
	f = fopen(full, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[sz] = 0;
	*len = (size_t)sz;
	return buf;
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static uint8_t *unhex_n(const char *t, size_t n, size_t *len)
{
	uint8_t *out = malloc(n / 2 + 1);
	size_t i, k = 0;
	int hi = -1;
	for (i = 0; i < n; i++) {
		int v;
		if (isspace((unsigned char)t[i]))
			continue;
		v = hexv((unsigned char)t[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		if (hi < 0)
			hi = v;
		else {
			out[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(out);
		return NULL;
	}
	*len = k;
	return out;
}

uint8_t *tu_unhex(const char *hex, size_t *len)
{
	return unhex_n(hex, strlen(hex), len);
}

uint8_t *tu_read_hex(const char *path, size_t *len)
{
	size_t n;
	uint8_t *t = tu_read(path, &n), *out;
	if (!t)
		return NULL;
	out = unhex_n((const char *)t, n, len);
	free(t);
	return out;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t tu_list_vectors(const char *prefix, char ***names)
{
	DIR *d = opendir(OMACP_TEST_VECTORS);
	struct dirent *e;
	size_t n = 0, cap = 0;
	char **v = NULL;
	if (!d) {
		*names = NULL;
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(v, cap * sizeof *v);
		}
		v[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, cmpstr);
	*names = v;
	return n;
}

void tu_free_names(char **names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

size_t tu_read_sms(const char *dir, uint8_t *out, size_t cap)
{
	size_t len, k = 0;
	char *t = (char *)tu_read(tu_vpath(dir, "segments.txt"), &len), *line, *save = NULL;
	if (!t)
		return 0;
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char udh[600], pay[600], hex[1200];
		unsigned idx;
		uint8_t *b;
		size_t bl;
		if (line[0] == '#' || sscanf(line, "%u %599s %599s", &idx, udh, pay) != 3)
			continue;
		snprintf(hex, sizeof hex, "%s%s", udh, pay);
		b = tu_unhex(hex, &bl);
		if (b && bl <= 255 && k + 1 + bl <= cap) {
			out[k++] = (uint8_t)bl;
			memcpy(out + k, b, bl);
			k += bl;
		}
		free(b);
	}
	free(t);
	return k;
}
