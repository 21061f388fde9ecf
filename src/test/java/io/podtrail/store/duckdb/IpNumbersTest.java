package io.podtrail.store.duckdb;

import io.podtrail.query.IpNumbers;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IpNumbersTest {

    @Test
    void ipv4IsMappedIntoIpv6() {
        assertThat(IpNumbers.toNumber("10.0.0.1")).isEqualTo(BigInteger.valueOf((0xFFFFL << 32) | 0x0A000001L));
        assertThat(IpNumbers.toNumber("255.255.255.255")).isEqualTo(BigInteger.valueOf((0xFFFFL << 32) | 0xFFFFFFFFL));
        assertThat(IpNumbers.toNumber("::ffff:10.0.0.1")).isEqualTo(IpNumbers.toNumber("10.0.0.1"));
    }

    @Test
    void ipv6() {
        assertThat(IpNumbers.toNumber("::")).isEqualTo(BigInteger.ZERO);
        assertThat(IpNumbers.toNumber("::1")).isEqualTo(BigInteger.ONE);
        assertThat(IpNumbers.toNumber("2001:db8::1")).isEqualTo(new BigInteger("20010db8000000000000000000000001", 16));
        assertThat(IpNumbers.toNumber("2001:DB8:0:0:0:0:0:1")).isEqualTo(IpNumbers.toNumber("2001:db8::1"));
        assertThat(IpNumbers.toNumber("1::")).isEqualTo(BigInteger.ONE.shiftLeft(112));
    }

    @Test
    void hugeintIsTwosComplementAboveTwoToThe127() {
        assertThat(IpNumbers.toNumber("fe80::1")).isEqualTo(new BigInteger("fe800000000000000000000000000001", 16)
                .subtract(BigInteger.ONE.shiftLeft(128)));
        assertThat(IpNumbers.toNumber("2001:db8::1")).isEqualTo(new BigInteger("20010db8000000000000000000000001", 16));
    }

    @Test
    void notAnIp() {
        for (String s : new String[] {null, "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "a.b.c.d", "example.com",
                ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":1", "1:", "::g", "1.2.3.4/8", " 1.2.3.4"}) {
            assertThat(IpNumbers.toNumber(s)).as(String.valueOf(s)).isNull();
        }
    }
}
