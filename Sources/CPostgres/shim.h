#ifndef RISKD_CPOSTGRES_SHIM_H
#define RISKD_CPOSTGRES_SHIM_H
// Debian installs libpq's headers under /usr/include/postgresql (pkg-config libpq --cflags).
#include <libpq-fe.h>
#endif
