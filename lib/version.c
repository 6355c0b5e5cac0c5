#include "omacp/version.h"

const char *omacp_version(void)
{
	return OMACP_VERSION_STRING;
}
