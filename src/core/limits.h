/* limits.h - every cap on input, and why it is that size. */
#ifndef AH_CORE_LIMITS_H
#define AH_CORE_LIMITS_H

/* A request body: the largest legitimate one is a reply of AH_MAX_MESSAGE_BODY
 * escaped into JSON (up to 6 bytes per byte for \uXXXX), with room to spare. */
#define AH_MAX_BODY (1024 * 1024)
/* Before login the only bodies are credentials: keep them tiny. */
#define AH_MAX_BODY_ANON (4 * 1024)
/* A message body: ~30 pages of text; anything longer is an attachment. */
#define AH_MAX_MESSAGE_BODY (128 * 1024)
/* A subject line: RFC 5322 recommends 78 columns; 1 KB fits any real one. */
#define AH_MAX_SUBJECT 1000
/* Names, departments, time zones, token names: short labels. */
#define AH_MAX_NAME 200
/* RFC 5321: a path is at most 256 octets including the angle brackets. */
#define AH_MAX_EMAIL 254
/* A password: argon2id hashes anything, but hashing 1 MB is a denial of service. */
#define AH_MAX_PASSWORD 256
#define AH_MIN_PASSWORD 10
/* A ticket's tags: enough for any routing scheme, few enough to show. */
#define AH_MAX_TAGS 20
#define AH_MAX_TAG 50
/* API tokens per person: one per script or integration, never thousands. */
#define AH_MAX_TOKENS 100
/* A skip reason or other short free text. */
#define AH_MAX_REASON 500
/* Full-text search query. */
#define AH_MAX_QUERY 200
/* A response: a ticket with a long thread is the largest legitimate one. */
#define AH_MAX_RESPONSE (64 * 1024 * 1024)
/* Request line: path plus query string. */
#define AH_MAX_URL 2048
/* Query parameters in one request. */
#define AH_MAX_QUERY_PARAMS 16
/* A page of any list. */
#define AH_MAX_PAGE 200
#define AH_DEFAULT_PAGE 50
/* JSON nesting in a request: our documents are two levels deep. */
#define AH_MAX_JSON_DEPTH 8
/* Cookie header and Authorization header. */
#define AH_MAX_HEADER 4096
/* Failed logins per client address per minute before 429: a person mistypes
 * a few times; a password guesser needs millions. */
#define AH_LOGIN_BURST 10

#endif
