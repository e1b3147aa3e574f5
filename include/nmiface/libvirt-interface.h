/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nmiface public API: libvirt's host-interface API (module libvirt-interface) with the
 * connection and error calls a caller needs around it. Names, signatures and numeric values
 * are libvirt's, so a program written against <libvirt/libvirt.h> that uses only these calls
 * compiles against this header with only the #include line changed.
 */
#ifndef NMIFACE_LIBVIRT_INTERFACE_H
#define NMIFACE_LIBVIRT_INTERFACE_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NMIFACE_COMPILATION)
#define NMIFACE_PUBLIC __attribute__((visibility("default")))
#else
#define NMIFACE_PUBLIC
#endif

/* Connections */
typedef struct _virConnect virConnect;
typedef virConnect *virConnectPtr;

/* Only here so virError has libvirt's layout; nmiface never hands these out. */
typedef struct _virDomain virDomain;
typedef virDomain *virDomainPtr;
typedef struct _virNetwork virNetwork;
typedef virNetwork *virNetworkPtr;

NMIFACE_PUBLIC virConnectPtr virConnectOpen(const char *name);
NMIFACE_PUBLIC virConnectPtr virConnectOpenReadOnly(const char *name);
NMIFACE_PUBLIC int virConnectClose(virConnectPtr conn);
NMIFACE_PUBLIC int virConnectRef(virConnectPtr conn);
NMIFACE_PUBLIC char *virConnectGetURI(virConnectPtr conn);

/* Interfaces */
typedef struct _virInterface virInterface;
typedef virInterface *virInterfacePtr;

typedef enum {
    VIR_CONNECT_LIST_INTERFACES_INACTIVE = 1 << 0,
    VIR_CONNECT_LIST_INTERFACES_ACTIVE = 1 << 1,
} virConnectListAllInterfacesFlags;

typedef enum {
    VIR_INTERFACE_XML_INACTIVE = 1 << 0, /* dump inactive interface information */
} virInterfaceXMLFlags;

typedef enum {
    VIR_INTERFACE_DEFINE_VALIDATE = 1 << 0, /* Validate the XML document against schema */
} virInterfaceDefineFlags;

NMIFACE_PUBLIC virConnectPtr virInterfaceGetConnect(virInterfacePtr iface);

NMIFACE_PUBLIC int virConnectNumOfInterfaces(virConnectPtr conn);
NMIFACE_PUBLIC int virConnectListInterfaces(virConnectPtr conn, char **const names, int maxnames);
NMIFACE_PUBLIC int virConnectNumOfDefinedInterfaces(virConnectPtr conn);
NMIFACE_PUBLIC int virConnectListDefinedInterfaces(virConnectPtr conn, char **const names,
                                                   int maxnames);
NMIFACE_PUBLIC int virConnectListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces,
                                               unsigned int flags);

NMIFACE_PUBLIC virInterfacePtr virInterfaceLookupByName(virConnectPtr conn, const char *name);
NMIFACE_PUBLIC virInterfacePtr virInterfaceLookupByMACString(virConnectPtr conn, const char *mac);

NMIFACE_PUBLIC const char *virInterfaceGetName(virInterfacePtr iface);
NMIFACE_PUBLIC const char *virInterfaceGetMACString(virInterfacePtr iface);

NMIFACE_PUBLIC char *virInterfaceGetXMLDesc(virInterfacePtr iface, unsigned int flags);
NMIFACE_PUBLIC virInterfacePtr virInterfaceDefineXML(virConnectPtr conn, const char *xmlDesc,
                                                     unsigned int flags);
NMIFACE_PUBLIC int virInterfaceUndefine(virInterfacePtr iface);
NMIFACE_PUBLIC int virInterfaceCreate(virInterfacePtr iface, unsigned int flags);
NMIFACE_PUBLIC int virInterfaceDestroy(virInterfacePtr iface, unsigned int flags);
NMIFACE_PUBLIC int virInterfaceRef(virInterfacePtr iface);
NMIFACE_PUBLIC int virInterfaceFree(virInterfacePtr iface);

NMIFACE_PUBLIC int virInterfaceChangeBegin(virConnectPtr conn, unsigned int flags);
NMIFACE_PUBLIC int virInterfaceChangeCommit(virConnectPtr conn, unsigned int flags);
NMIFACE_PUBLIC int virInterfaceChangeRollback(virConnectPtr conn, unsigned int flags);

NMIFACE_PUBLIC int virInterfaceIsActive(virInterfacePtr iface);

/* Errors: the values are libvirt's (virterror.h); callers compare numbers. */
typedef enum {
    VIR_ERR_NONE = 0,
    VIR_ERR_WARNING = 1,
    VIR_ERR_ERROR = 2,
} virErrorLevel;

typedef enum {
    VIR_FROM_NONE = 0,
    VIR_FROM_INTERFACE = 26, /* Error when operating on an interface */
} virErrorDomain;

typedef enum {
    VIR_ERR_OK = 0,
    VIR_ERR_INTERNAL_ERROR = 1,
    VIR_ERR_NO_MEMORY = 2,
    VIR_ERR_NO_SUPPORT = 3,
    VIR_ERR_NO_CONNECT = 5,
    VIR_ERR_INVALID_CONN = 6,
    VIR_ERR_INVALID_ARG = 8,
    VIR_ERR_OPERATION_FAILED = 9,
    VIR_ERR_XML_ERROR = 27,
    VIR_ERR_OPERATION_DENIED = 29,
    VIR_ERR_XML_DETAIL = 35,
    VIR_ERR_SYSTEM_ERROR = 38,
    VIR_ERR_INVALID_MAC = 44,
    VIR_ERR_AUTH_FAILED = 45,
    VIR_ERR_OPERATION_INVALID = 55,
    VIR_ERR_NO_INTERFACE = 57,
    VIR_ERR_INVALID_INTERFACE = 58,
    VIR_ERR_MULTIPLE_INTERFACES = 59,
    VIR_ERR_OPERATION_TIMEOUT = 68,
    VIR_ERR_XML_INVALID_SCHEMA = 92,
} virErrorNumber;

typedef struct _virError virError;
typedef virError *virErrorPtr;
struct _virError {
    int code;            /* The error code, a virErrorNumber */
    int domain;          /* What part of the library raised this error, a virErrorDomain */
    char *message;       /* human-readable informative error message */
    virErrorLevel level; /* how consequent is the error */
    virConnectPtr conn;  /* connection if available (always NULL, as in libvirt) */
    virDomainPtr dom;    /* unused, kept for libvirt's layout */
    char *str1;          /* extra string information */
    char *str2;          /* extra string information */
    char *str3;          /* extra string information */
    int int1;            /* extra number information */
    int int2;            /* extra number information */
    virNetworkPtr net;   /* unused, kept for libvirt's layout */
};

NMIFACE_PUBLIC virErrorPtr virGetLastError(void);
NMIFACE_PUBLIC const char *virGetLastErrorMessage(void);
NMIFACE_PUBLIC void virResetLastError(void);
NMIFACE_PUBLIC int virCopyLastError(virErrorPtr to);
NMIFACE_PUBLIC void virResetError(virErrorPtr err);
NMIFACE_PUBLIC virErrorPtr virSaveLastError(void);
NMIFACE_PUBLIC void virFreeError(virErrorPtr err);

#ifdef __cplusplus
}
#endif

#endif /* NMIFACE_LIBVIRT_INTERFACE_H */
