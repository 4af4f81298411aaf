#ifndef TERN_CLIBXML2_SHIM_H
#define TERN_CLIBXML2_SHIM_H

// Debian's libxml2 headers pull in ICU; a Swift module that also sees Foundation then fails on a
// clean build ("'UErrorCode' has different definitions"). Nothing here touches the ICU fields of
// encoding handlers, so hide them.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer, which Swift 6 rejects as not concurrency-safe.
static inline void tern_xml_free(void *p) { xmlFree(p); }

// The generic error callback is variadic; silence it (errors arrive through the structured one).
static void tern_xml_ignore_generic_error(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void tern_xml_silence_generic_errors(xmlParserCtxtPtr ctxt) {
    xmlSetGenericErrorFunc(ctxt, tern_xml_ignore_generic_error);
}

#endif
