int nmi_two(void);
int nmi_one(void)
{
    return nmi_two();
}
