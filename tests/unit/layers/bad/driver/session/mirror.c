/* Calls up into iface/ (and so the two call each other). */
int nmi_listing_count(void);

int nmi_mirror_size(void)
{
    return nmi_listing_count(); /* nmi_txn_begin in a comment is no call */
}
