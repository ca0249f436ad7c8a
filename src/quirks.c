// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: device quirks, keyed by PCI ID as the in-kernel driver keys
 * them.  Only the entries whose quirks cnvme implements are carried;
 * their names are the in-kernel driver's, as its 7.2 "quirks" sysfs
 * attribute shows them.
 */
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "cnvme.h"

static const struct {
	u16 vendor;
	u16 device;
	unsigned long quirks;
} cnvme_quirk_table[] = {
	/* QEMU's emulated controller (Red Hat's ID) */
	{ PCI_VENDOR_ID_REDHAT, 0x0010, CNVME_QUIRK_BOGUS_NID },
};

static const char * const cnvme_quirk_names[] = {
	[CNVME_QUIRK_BOGUS_NID_BIT] = "bogus_nid",
};

/* The quirks of a PCI function, from the table. */
unsigned long cnvme_pci_quirks(struct pci_dev *pdev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cnvme_quirk_table); i++)
		if (cnvme_quirk_table[i].vendor == pdev->vendor &&
		    cnvme_quirk_table[i].device == pdev->device)
			return cnvme_quirk_table[i].quirks;
	return 0;
}

/* The "quirks" attribute: one name per line (a line alone for none). */
ssize_t cnvme_quirks_show(unsigned long quirks, char *buf)
{
	unsigned int bit;
	ssize_t len = 0;

	for_each_set_bit(bit, &quirks, ARRAY_SIZE(cnvme_quirk_names))
		len += sysfs_emit_at(buf, len, "%s\n", cnvme_quirk_names[bit]);
	return len ? len : sysfs_emit(buf, "\n");
}
