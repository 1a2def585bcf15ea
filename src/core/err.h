/* err.h - the one error enum and the error value every fallible call fills.
 * The names in AH_ERR_MAP are the API's error codes. */
#ifndef AH_CORE_ERR_H
#define AH_CORE_ERR_H

#include <stdarg.h>

#define AH_ERR_MAP(X)                                                          \
    X(BAD_REQUEST, "bad_request")                                              \
    X(UNAUTHENTICATED, "unauthenticated")                                      \
    X(FORBIDDEN, "forbidden")                                                  \
    X(NOT_FOUND, "not_found")                                                  \
    X(CONFLICT, "conflict")                                                    \
    X(TOO_LARGE, "too_large")                                                  \
    X(INVALID, "invalid")                                                      \
    X(RATE_LIMITED, "rate_limited")                                            \
    X(UNAVAILABLE, "unavailable")                                              \
    X(INTERNAL, "internal")

enum ah_err {
    AH_OK = 0,
#define AH_ERR_ENUM(name, str) AH_E_##name,
    AH_ERR_MAP(AH_ERR_ENUM)
#undef AH_ERR_ENUM
};

#define AH_ERROR_MSG_MAX 256

/* Filled by the first failure; message says what failed and names the value. */
struct ah_error {
    enum ah_err code;
    char msg[AH_ERROR_MSG_MAX];
};

/* Sets code and message (printf format) and returns code. err may be NULL. */
enum ah_err ah_error_set(struct ah_error *err, enum ah_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The API code for e ("not_found"); "ok" for AH_OK. */
const char *ah_err_name(enum ah_err e);

#endif
