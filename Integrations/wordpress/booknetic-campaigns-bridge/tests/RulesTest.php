<?php
/**
 * The bridge's rules (DESIGN §13 "Bridge and UI"): who gets launch tokens, which service URLs
 * are used, and that the secret is stored as entered. Tests/Browser/wordpress_test.py checks
 * the same through a real WordPress.
 */

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../includes/rules.php';
require_once __DIR__ . '/../includes/signing.php';

final class RulesTest extends TestCase
{
    private static function allows(array $roles, $administrator = false, $filtered = false)
    {
        $asked = false;
        $decision = bkntc_campaigns_may_see($roles, $administrator, function () use (&$asked, $filtered) {
            $asked = true;
            return $filtered;
        });
        return array($decision, $asked);
    }

    public function testAdministratorsAndBookneticStaffRolesGetTokensWithoutAskingTheFilter()
    {
        foreach (array(array(array('administrator'), true), array(array('booknetic_staff'), false), array(array('booknetic_saas_tenant'), false),
            array(array('booknetic_customer', 'booknetic_staff'), false)) as list($roles, $administrator)) {
            self::assertSame(array(true, false), self::allows($roles, $administrator), implode(',', $roles));
        }
    }

    public function testABookneticCustomerNeverGetsOneWhateverTheFilterSays()
    {
        self::assertSame(array(false, false), self::allows(array('booknetic_customer'), false, true));
        self::assertSame(array(false, false), self::allows(array('subscriber', 'booknetic_customer'), false, true));
    }

    public function testOtherRolesIncludingLookalikesAreUpToTheFilter()
    {
        foreach (array(array(), array('subscriber'), array('editor'), array('booknetic_customers'), array('booknetic_staff_x'), array('booknetic')) as $roles) {
            self::assertSame(array(false, true), self::allows($roles), implode(',', $roles) . ': refused by default');
            self::assertSame(array(true, true), self::allows($roles, false, true), implode(',', $roles) . ': the filter may allow');
        }
    }

    public function testHttpsOrPlainHttpToThisMachineOnly()
    {
        $allowed = array(
            'https://campaigns.example.com', 'https://campaigns.example.com:8443/base', 'https://10.0.0.5', 'https://[2001:db8::1]:443',
            'http://127.0.0.1:8080', 'http://127.8.9.10', 'http://localhost:8080', 'http://LOCALHOST', 'http://[::1]:8080',
            'http://[0:0:0:0:0:0:0:1]', 'HTTP://127.0.0.1/campaigns',
        );
        foreach ($allowed as $url) {
            self::assertNull(bkntc_campaigns_url_problem($url), $url);
        }
        $refused = array(
            'http://campaigns.example.com', 'http://10.0.0.5:8080', 'http://128.0.0.1', 'http://127.0.0.1.example.com',
            'http://localhost.example.com', 'http://127.1', 'http://0x7f.0.0.1', 'http://[::ffff:127.0.0.1]', 'http://[::2]',
            'http://127.0.0.1@campaigns.example.com', 'http://campaigns.example.com#@127.0.0.1', 'http://campaigns.example.com\\@127.0.0.1',
            'http://127.0.0.1:8080?x=https://', 'ftp://127.0.0.1', '//127.0.0.1', 'campaigns.example.com', 'https://', 'https://exa mple.com',
            'javascript:alert(1)', "http://127.0.0.1\n", '',
        );
        foreach ($refused as $url) {
            self::assertNotNull(bkntc_campaigns_url_problem($url), var_export($url, true));
        }
        self::assertStringContainsString('https://', bkntc_campaigns_url_problem('http://campaigns.example.com'));
    }

    public function testTheSecretIsStoredAsEnteredAndAnEmptyFieldKeepsTheStoredOne()
    {
        foreach (array('%41%42 secret', '<x>secret</x>', "trailing spaces  ", '  leading', "two  spaces\tand a tab", 'quote"and\\backslash', 'ünïcødé') as $entered) {
            self::assertSame($entered, bkntc_campaigns_secret_to_store($entered, 'stored-secret'));
        }
        self::assertSame('stored-secret', bkntc_campaigns_secret_to_store('', 'stored-secret'));
        self::assertSame('stored-secret', bkntc_campaigns_secret_to_store(array('x'), 'stored-secret'), 'not a string: nothing was entered');
        self::assertSame('', bkntc_campaigns_secret_to_store('', ''));
    }

    public function testTheStoredSecretIsUsedAsIs()
    {
        $secret = '%41<x>  ';
        $token = bkntc_campaigns_launch_token($secret, 1, 2, 1000, 'n');
        list($part, $mac) = explode('.', $token);
        self::assertSame(bkntc_campaigns_base64url(hash_hmac('sha256', $part, $secret, true)), $mac);
        self::assertNotSame($token, bkntc_campaigns_launch_token('A<x>', 1, 2, 1000, 'n'));
        self::assertNotSame($token, bkntc_campaigns_launch_token('%41<x>', 1, 2, 1000, 'n'));
    }
}
