#ifndef TERN_CCURL_SHIM_H
#define TERN_CCURL_SHIM_H

#include <curl/curl.h>
#include <openssl/ssl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// function per kind of value. Each returns curl's result code.
static inline CURLcode tern_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode tern_curl_set_offset(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
// curl copies strings it is given (since 7.17), except CURLOPT_POSTFIELDS, which Tern never sets.
static inline CURLcode tern_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
// A pointer curl keeps (a header list, a callback's data): the caller keeps it alive until the
// transfer is cleaned up.
static inline CURLcode tern_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode tern_curl_set_write_function(CURL *curl, curl_write_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode tern_curl_set_read_function(CURL *curl, curl_read_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_READFUNCTION, callback);
}
static inline CURLcode tern_curl_set_progress_function(CURL *curl, curl_xferinfo_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, callback);
}
static inline long tern_curl_response_code(CURL *curl) {
    long code = 0;
    if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
    return code;
}
static inline curl_off_t tern_curl_content_length(CURL *curl) {
    curl_off_t length = -1;
    if (curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) != CURLE_OK) return -1;
    return length;
}

// An extra trust anchor beside the system's (the account's ca_file), as the XMPP connection
// has it: curl's CURLOPT_CAINFO would replace the system store, so the file is added to the
// OpenSSL context curl built (CURLOPT_SSL_CTX_DATA is its path, owned by the caller).
static CURLcode tern_curl_add_anchor(CURL *curl, void *context, void *path) {
    (void)curl;
    return SSL_CTX_load_verify_locations((SSL_CTX *)context, (const char *)path, NULL) == 1
        ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}
static inline CURLcode tern_curl_set_extra_anchor(CURL *curl, const char *path) {
    CURLcode result = curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, tern_curl_add_anchor);
    if (result != CURLE_OK) return result;
    return curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, (void *)path);
}

#endif
