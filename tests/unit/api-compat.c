/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Header conformance. Built twice with only the #include switched: against nmiface's header
 * and, when libvirt-dev is there, against <libvirt/libvirt.h>. It must compile both ways (the
 * function pointers below pin every signature; the build uses
 * -Werror=incompatible-pointer-types) and print the same values: every enum value design.md
 * lists, and virError's layout (but for the members libvirt deprecates). api-compat-check.sh
 * compares the outputs.
 */

#include <stddef.h>
#include <stdio.h>

#ifdef API_COMPAT_LIBVIRT
/* libvirt keeps the error calls in a header of their own; ours has both in one. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#else
#include <nmiface/libvirt-interface.h>
#endif

#define PRINT(name) printf("%s %d\n", #name, (int)(name))
#define PRINT_OFFSET(member)                                                                       \
    printf("offsetof(virError, %s) %zu\n", #member, offsetof(virError, member))

/* Every function the spec and the connection/error calls need, each assigned to a pointer of
 * exactly libvirt's type: a signature that differs does not compile. */
#define SIGNATURE(ret, name, args)                                                                 \
    static ret(*const check_##name) args __attribute__((unused)) = name

SIGNATURE(virConnectPtr, virConnectOpen, (const char *));
SIGNATURE(virConnectPtr, virConnectOpenReadOnly, (const char *));
SIGNATURE(int, virConnectClose, (virConnectPtr));
SIGNATURE(int, virConnectRef, (virConnectPtr));
SIGNATURE(char *, virConnectGetURI, (virConnectPtr));
SIGNATURE(int, virConnectListAllInterfaces, (virConnectPtr, virInterfacePtr **, unsigned int));
SIGNATURE(int, virConnectListDefinedInterfaces, (virConnectPtr, char **const, int));
SIGNATURE(int, virConnectListInterfaces, (virConnectPtr, char **const, int));
SIGNATURE(int, virConnectNumOfDefinedInterfaces, (virConnectPtr));
SIGNATURE(int, virConnectNumOfInterfaces, (virConnectPtr));
SIGNATURE(int, virInterfaceChangeBegin, (virConnectPtr, unsigned int));
SIGNATURE(int, virInterfaceChangeCommit, (virConnectPtr, unsigned int));
SIGNATURE(int, virInterfaceChangeRollback, (virConnectPtr, unsigned int));
SIGNATURE(int, virInterfaceCreate, (virInterfacePtr, unsigned int));
SIGNATURE(virInterfacePtr, virInterfaceDefineXML, (virConnectPtr, const char *, unsigned int));
SIGNATURE(int, virInterfaceDestroy, (virInterfacePtr, unsigned int));
SIGNATURE(int, virInterfaceFree, (virInterfacePtr));
SIGNATURE(virConnectPtr, virInterfaceGetConnect, (virInterfacePtr));
SIGNATURE(const char *, virInterfaceGetMACString, (virInterfacePtr));
SIGNATURE(const char *, virInterfaceGetName, (virInterfacePtr));
SIGNATURE(char *, virInterfaceGetXMLDesc, (virInterfacePtr, unsigned int));
SIGNATURE(int, virInterfaceIsActive, (virInterfacePtr));
SIGNATURE(virInterfacePtr, virInterfaceLookupByMACString, (virConnectPtr, const char *));
SIGNATURE(virInterfacePtr, virInterfaceLookupByName, (virConnectPtr, const char *));
SIGNATURE(int, virInterfaceRef, (virInterfacePtr));
SIGNATURE(int, virInterfaceUndefine, (virInterfacePtr));
SIGNATURE(virErrorPtr, virGetLastError, (void));
SIGNATURE(const char *, virGetLastErrorMessage, (void));
SIGNATURE(void, virResetLastError, (void));
SIGNATURE(int, virCopyLastError, (virErrorPtr));
SIGNATURE(void, virResetError, (virErrorPtr));
SIGNATURE(virErrorPtr, virSaveLastError, (void));
SIGNATURE(void, virFreeError, (virErrorPtr));

int main(void)
{
    virConnectListAllInterfacesFlags list_flag = VIR_CONNECT_LIST_INTERFACES_ACTIVE;
    virInterfaceXMLFlags xml_flag = VIR_INTERFACE_XML_INACTIVE;
    virInterfaceDefineFlags define_flag = VIR_INTERFACE_DEFINE_VALIDATE;
    virErrorNumber code = VIR_ERR_OK;
    virErrorDomain domain = VIR_FROM_INTERFACE;
    virErrorLevel level = VIR_ERR_ERROR;

    (void)list_flag, (void)xml_flag, (void)define_flag, (void)code, (void)domain, (void)level;

    PRINT(VIR_CONNECT_LIST_INTERFACES_INACTIVE);
    PRINT(VIR_CONNECT_LIST_INTERFACES_ACTIVE);
    PRINT(VIR_INTERFACE_XML_INACTIVE);
    PRINT(VIR_INTERFACE_DEFINE_VALIDATE);
    PRINT(VIR_FROM_NONE);
    PRINT(VIR_FROM_INTERFACE);
    PRINT(VIR_ERR_NONE);
    PRINT(VIR_ERR_WARNING);
    PRINT(VIR_ERR_ERROR);
    PRINT(VIR_ERR_OK);
    PRINT(VIR_ERR_INTERNAL_ERROR);
    PRINT(VIR_ERR_NO_MEMORY);
    PRINT(VIR_ERR_NO_SUPPORT);
    PRINT(VIR_ERR_NO_CONNECT);
    PRINT(VIR_ERR_INVALID_CONN);
    PRINT(VIR_ERR_INVALID_ARG);
    PRINT(VIR_ERR_OPERATION_FAILED);
    PRINT(VIR_ERR_XML_ERROR);
    PRINT(VIR_ERR_OPERATION_DENIED);
    PRINT(VIR_ERR_XML_DETAIL);
    PRINT(VIR_ERR_SYSTEM_ERROR);
    PRINT(VIR_ERR_INVALID_MAC);
    PRINT(VIR_ERR_AUTH_FAILED);
    PRINT(VIR_ERR_OPERATION_INVALID);
    PRINT(VIR_ERR_NO_INTERFACE);
    PRINT(VIR_ERR_INVALID_INTERFACE);
    PRINT(VIR_ERR_MULTIPLE_INTERFACES);
    PRINT(VIR_ERR_OPERATION_TIMEOUT);
    PRINT(VIR_ERR_XML_INVALID_SCHEMA);

    printf("sizeof(virError) %zu\n", sizeof(virError));
    PRINT_OFFSET(code);
    PRINT_OFFSET(domain);
    PRINT_OFFSET(message);
    PRINT_OFFSET(level);
    PRINT_OFFSET(str1);
    PRINT_OFFSET(str2);
    PRINT_OFFSET(str3);
    PRINT_OFFSET(int1);
    PRINT_OFFSET(int2);
    return 0;
}
