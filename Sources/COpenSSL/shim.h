#ifndef TERN_COPENSSL_SHIM_H
#define TERN_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <string.h>

// Macros Swift cannot call.
static inline int tern_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int tern_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long tern_ssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int tern_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
static inline long tern_ssl_get_extms_support(SSL *ssl) { return SSL_get_extms_support(ssl); }
static inline int tern_tls1_2_version(void) { return TLS1_2_VERSION; }
static inline int tern_tls1_3_version(void) { return TLS1_3_VERSION; }

// RFC 6120 §13.7.1.2 / RFC 7590: whether the certificate has a subjectAltName otherName with
// `oid` (dotted) whose string value equals `value` (ASCII case-insensitive): id-on-xmppAddr
// (1.3.6.1.5.5.7.8.5, a UTF8String) or SRVName (1.3.6.1.5.5.7.8.7, an IA5String). The stack
// macros have no Swift form.
static inline int tern_x509_has_othername(X509 *certificate, const char *oid, const char *value) {
    GENERAL_NAMES *names = X509_get_ext_d2i(certificate, NID_subject_alt_name, NULL, NULL);
    if (names == NULL) return 0;
    ASN1_OBJECT *wanted = OBJ_txt2obj(oid, 1);
    int found = 0;
    size_t length = strlen(value);
    for (int i = 0; wanted != NULL && !found && i < sk_GENERAL_NAME_num(names); i++) {
        GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_OTHERNAME || OBJ_cmp(name->d.otherName->type_id, wanted) != 0) continue;
        ASN1_TYPE *any = name->d.otherName->value;
        if (any == NULL || (any->type != V_ASN1_UTF8STRING && any->type != V_ASN1_IA5STRING)) continue;
        ASN1_STRING *text = any->value.asn1_string;
        if ((size_t)ASN1_STRING_length(text) == length
            && OPENSSL_strncasecmp((const char *)ASN1_STRING_get0_data(text), value, length) == 0) {
            found = 1;
        }
    }
    ASN1_OBJECT_free(wanted);
    GENERAL_NAMES_free(names);
    return found;
}

#endif
