/*
 * omacp/omacp.h - umbrella header: every layer of omacp.
 * Firmware that wants only some layers includes those headers directly.
 */
#ifndef OMACP_OMACP_H
#define OMACP_OMACP_H

#include "version.h"
#include "config.h"
#include "error.h"
#include "event.h"
#include "wbxml.h"
#include "xml.h"
#include "doc.h"
#include "sec.h"
#include "push.h"
#include "policy.h"
#include "state.h"
#include "csp.h"
#include "client.h"

#endif /* OMACP_OMACP_H */
