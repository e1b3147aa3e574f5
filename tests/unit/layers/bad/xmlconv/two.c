int nmi_one(void);
int nmi_two(void)
{
    return nmi_one();
}
