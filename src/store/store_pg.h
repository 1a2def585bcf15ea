/* store_pg.h - the PostgreSQL backend's entry point, private to store/:
 * ah_store_open routes postgres:// and postgresql:// URLs here. */
#ifndef AH_STORE_STORE_PG_H
#define AH_STORE_STORE_PG_H

#include "store/store.h"

/* Opens a connection to the PostgreSQL database at url (postgres:// or
 * postgresql://, as libpq reads it); the database must exist. Caller frees
 * with ah_store_close. Does not migrate. AH_E_UNAVAILABLE when the server
 * cannot be reached. */
enum ah_err ah_store_pg_open(const char *url, struct ah_store **out, struct ah_error *err);

#endif
