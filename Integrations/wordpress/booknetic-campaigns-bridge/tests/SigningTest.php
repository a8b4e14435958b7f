<?php
/**
 * The bridge's signing and launch tokens against the vectors the Swift tests use
 * (Tests/Vectors/signing.json): PHP and Swift agree byte for byte.
 */

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../includes/signing.php';

final class SigningTest extends TestCase
{
    private static function vectors()
    {
        $path = __DIR__ . '/../../../../Tests/Vectors/signing.json';
        $vectors = json_decode(file_get_contents($path), true);
        self::assertIsArray($vectors, 'the shared vectors load');
        return $vectors;
    }

    public function testRequestSignaturesMatchTheVectors()
    {
        $vectors = self::vectors();
        self::assertGreaterThanOrEqual(4, count($vectors['signatures']));
        foreach ($vectors['signatures'] as $v) {
            $ours = bkntc_campaigns_signature($vectors['secret'], $v['timestamp'], $v['method'], $v['path'], $v['tenant'], $v['user'], $v['body']);
            self::assertSame($v['signature'], $ours, $v['method'] . ' ' . $v['path']);
        }
    }

    public function testSignedHeadersCarryTheSignatureOfTheirTimestamp()
    {
        $vectors = self::vectors();
        $v = $vectors['signatures'][0];
        $headers = bkntc_campaigns_signed_headers($vectors['secret'], $v['method'], $v['path'], $v['tenant'], $v['user'], $v['body'], (int) $v['timestamp']);
        self::assertSame($v['timestamp'], $headers['X-Bkntc-Timestamp']);
        self::assertSame($v['signature'], $headers['X-Bkntc-Signature']);
        self::assertSame('', $headers['X-Bkntc-Tenant']);
    }

    public function testLaunchTokensMatchTheVectorsByteForByte()
    {
        $vectors = self::vectors();
        foreach ($vectors['launch_tokens'] as $v) {
            $token = bkntc_campaigns_launch_token($vectors['secret'], $v['user'], $v['tenant'], $v['now'], $v['nonce']);
            self::assertSame($v['token'], $token, $v['json']);
        }
    }

    public function testLaunchTokensNeverLiveLongerThan120Seconds()
    {
        $token = bkntc_campaigns_launch_token('s', 1, '', 1000, 'n', 600);
        $payload = json_decode(base64_decode(strtr(explode('.', $token)[0], '-_', '+/')), true);
        self::assertSame(1120, $payload['exp']);
        self::assertNull($payload['tenant'], 'an empty tenant (single site) is null');
        $random = bkntc_campaigns_launch_token('s', 1, 3);
        self::assertNotSame($random, bkntc_campaigns_launch_token('s', 1, 3), 'each token has its own nonce');
    }
}
