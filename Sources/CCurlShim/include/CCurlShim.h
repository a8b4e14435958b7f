#ifndef CCURL_SHIM_TYPED_H
#define CCURL_SHIM_TYPED_H
#include <curl/curl.h>

/* curl_easy_setopt is variadic and cannot be called from Swift: these wrappers fix its type. */
CURLcode bkntc_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode bkntc_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode bkntc_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode bkntc_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode bkntc_curl_setopt_write_function(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode bkntc_curl_setopt_read_function(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode bkntc_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode bkntc_curl_setopt_header_function(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode bkntc_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
/* Refuses to open a socket to a loopback, private, link-local, CGNAT, multicast or unspecified
   address (the connection fails as COULDNT_CONNECT and `*refused` becomes 1), so a tenant's SMTP
   host can never reach the service's own network. No connection is attempted to such an address. */
CURLcode bkntc_curl_refuse_internal_addresses(CURL *handle, int *refused);
#endif
