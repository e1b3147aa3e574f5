/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target over the XML pipeline: parse -> validate -> format -> re-parse -> format
 * (must be a fixed point), then XML -> NetworkManager profiles -> XML.
 *
 * Invariants checked (abort() on violation, which libFuzzer reports as a crash):
 *  - a failed parse sets a GError in NMIFACE_ERROR with a message, and the verdict is the
 *    same when no GError** is passed;
 *  - whatever parses also validates, formats, and the formatted text parses again and
 *    formats to the same bytes;
 *  - whatever parses converts to profiles or fails with a GError; every profile of the result
 *    verifies, converts back, and the definition it gives validates. With
 *    NMIFACE_FUZZ_NM_ROUNDTRIP=1 the definition must also format to the same XML, <link>
 *    (live state) aside: the lossless round trip the conformance tests require; and so must
 *    the same definition applied again over its own profiles (the merge path).
 *  - with NMI_PARSE_VALIDATE the answer is a definition or a GError, never a crash.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface-def.h"
#include "iface-nm.h"
#include "nmiface/driver.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean nm_roundtrip_strict;

static void fail(const char *what, const char *detail, const char *xml)
{
    fprintf(stderr, "fuzz-iface-xml: %s: %s\n--- input/output ---\n%s\n---\n", what,
            detail != NULL ? detail : "", xml != NULL ? xml : "(null)");
    abort();
}

static void check_error(const GError *error, const char *xml)
{
    if (error == NULL || error->domain != NMIFACE_ERROR || error->message == NULL ||
        error->message[0] == '\0')
        fail("failure without a proper GError", error != NULL ? error->message : NULL, xml);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    nm_roundtrip_strict = g_strcmp0(g_getenv("NMIFACE_FUZZ_NM_ROUNDTRIP"), "1") == 0;
    return 0;
}

/* <link> is live state, not configuration: profiles do not carry it */
static void drop_link(NmiIfaceDef *def)
{
    def->link_state = NMI_LINK_STATE_UNSPECIFIED;
    def->link_speed = 0;
    for (guint i = 0; i < def->ports->len; i++)
        drop_link(g_ptr_array_index(def->ports, i));
}

static void convert(NmiIfaceDef *def)
{
    g_autofree char *canonical = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiProfileSet) set = NULL;
    g_autoptr(NmiIfaceDef) back = NULL;
    g_autofree char *back_xml = NULL;
    g_autoptr(NmiProfileSet) again = NULL;
    g_autoptr(NmiIfaceDef) again_def = NULL;
    g_autofree char *again_xml = NULL;

    drop_link(def);
    canonical = nmi_iface_def_format(def);
    set = nmi_iface_def_to_profiles(def, NULL, &error);
    if (set == NULL) {
        check_error(error, canonical);
        return;
    }
    if (!nm_connection_verify(set->top, &error))
        fail("top profile does not verify", error->message, canonical);
    for (guint i = 0; i < set->ports->len; i++) {
        if (!nm_connection_verify(g_ptr_array_index(set->ports, i), &error))
            fail("port profile does not verify", error->message, canonical);
    }

    back = nmi_iface_def_from_profiles(set, &error);
    if (back == NULL)
        fail("profiles made from XML do not convert back", error->message, canonical);
    if (!nmi_iface_def_validate(back, &error))
        fail("definition from profiles does not validate", error->message, canonical);
    back_xml = nmi_iface_def_format(back);
    if (!nm_roundtrip_strict)
        return;
    if (strcmp(back_xml, canonical) != 0)
        fail("XML -> NM -> XML changed the document", back_xml, canonical);

    /* defining the same document over its own profiles (the merge path) changes nothing */
    again = nmi_iface_def_to_profiles(def, set, &error);
    if (again == NULL)
        fail("XML does not apply over its own profiles", error->message, canonical);
    again_def = nmi_iface_def_from_profiles(again, &error);
    if (again_def == NULL)
        fail("merged profiles do not convert back", error->message, canonical);
    again_xml = nmi_iface_def_format(again_def);
    if (strcmp(again_xml, canonical) != 0)
        fail("XML -> NM, merged again -> XML changed the document", again_xml, canonical);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* C callers hand us NUL-terminated text: the document ends at the first NUL */
    g_autofree char *xml = g_strndup((const char *)data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmiIfaceDef) def = NULL;
    g_autoptr(NmiIfaceDef) without_error = NULL;
    g_autoptr(NmiIfaceDef) again = NULL;
    g_autoptr(NmiIfaceDef) validated = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *reformatted = NULL;

    def = nmi_iface_def_parse(xml, 0, &error);
    without_error = nmi_iface_def_parse(xml, 0, NULL);
    if ((def == NULL) != (without_error == NULL))
        fail("the verdict depends on whether a GError is passed", NULL, xml);
    if (def == NULL) {
        check_error(error, xml);
        return 0;
    }
    if (!nmi_iface_def_validate(def, &error))
        fail("parsed definition does not validate", error->message, xml);

    formatted = nmi_iface_def_format(def);
    again = nmi_iface_def_parse(formatted, 0, &error);
    if (again == NULL)
        fail("formatted XML does not parse", error->message, formatted);
    reformatted = nmi_iface_def_format(again);
    if (strcmp(formatted, reformatted) != 0)
        fail("format is not a fixed point", reformatted, formatted);

    validated = nmi_iface_def_parse(xml, NMI_PARSE_VALIDATE, &error);
    if (validated == NULL)
        check_error(error, xml);
    g_clear_error(&error);

    convert(def);
    return 0;
}
