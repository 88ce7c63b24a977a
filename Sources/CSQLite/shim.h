#ifndef RISKD_CSQLITE_SHIM_H
#define RISKD_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
