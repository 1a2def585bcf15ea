/* err.c - error values and their API names. */
#include "core/err.h"

#include <stdio.h>

enum ah_err ah_error_set(struct ah_error *err, enum ah_err code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

const char *ah_err_name(enum ah_err e)
{
    switch (e) {
    case AH_OK:
        return "ok";
#define AH_ERR_CASE(name, str)                                                 \
    case AH_E_##name:                                                          \
        return str;
        AH_ERR_MAP(AH_ERR_CASE)
#undef AH_ERR_CASE
    }
    return "internal";
}
