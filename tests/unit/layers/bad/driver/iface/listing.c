int nmi_mirror_size(void);
int nmi_txn_begin(void);
static int helper(void) { return 1; }

int nmi_listing_count(void)
{
    const char *s = "nmi_txn_abort";
    (void)s;
    return nmi_mirror_size() + nmi_txn_begin() + helper();
}
