/* Placeholder: replaced by the ioctl checks. */
int main(void)
{
	return 0;
}
