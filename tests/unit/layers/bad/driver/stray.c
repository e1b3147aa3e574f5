int nmi_stray(void)
{
    return 0;
}
