int nmi_listing_count(void);

int nmi_txn_begin(void)
{
    return nmi_listing_count();
}

int nmi_txn_abort(void)
{
    return 0;
}
