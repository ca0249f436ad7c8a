// SPDX-License-Identifier: GPL-2.0
/*
 * insn-mark begin|end: executes the insn_count plugin's marker instruction
 * (see insn_count.c) and exits; a plain NOP without the plugin.  Static,
 * without a C library, so that it runs in any guest.
 */

static long sys_write(int fd, const char *s, unsigned long n)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(1), "D"(fd), "S"(s), "d"(n)
		     : "rcx", "r11", "memory");
	return ret;
}

static void __attribute__((noreturn)) sys_exit(int code)
{
	asm volatile("syscall" : : "a"(60), "D"(code) : "rcx", "r11");
	__builtin_unreachable();
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void __attribute__((used)) insn_mark_main(long *sp)
{
	char **argv = (char **)(sp + 1);
	static const char usage[] = "usage: insn-mark begin|end\n";

	if (sp[0] == 2 && streq(argv[1], "begin")) {
		asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x01, 0x43, 0x4e, 0x56");
		sys_exit(0);
	}
	if (sp[0] == 2 && streq(argv[1], "end")) {
		asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x02, 0x43, 0x4e, 0x56");
		sys_exit(0);
	}
	sys_write(2, usage, sizeof(usage) - 1);
	sys_exit(2);
}

asm(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call insn_mark_main\n");
