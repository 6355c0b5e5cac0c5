/*
 * omacp/version.h - the library version.
 */
#ifndef OMACP_VERSION_H
#define OMACP_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define OMACP_VERSION_MAJOR 0
#define OMACP_VERSION_MINOR 1
#define OMACP_VERSION_PATCH 0
/* The version as one number: major * 10000 + minor * 100 + patch. */
#define OMACP_VERSION_NUMBER \
	(OMACP_VERSION_MAJOR * 10000 + OMACP_VERSION_MINOR * 100 + OMACP_VERSION_PATCH)
#define OMACP_VERSION_STRING "0.1.0"

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH"
 * (static storage).  Compare with OMACP_VERSION_STRING to detect a header /
 * archive mismatch. */
const char *omacp_version(void);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_VERSION_H */
