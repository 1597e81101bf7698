//! Requests the server makes to addresses someone typed (webhooks today): never to this machine,
//! the institution's own network, link-local or multicast addresses or a cloud's metadata service
//! — the classic server-side request forgery — unless an admin allows private networks in the
//! settings (a receiver on the intranet). Only `http` and `https`, only ports 80 and 443 unless an
//! admin allows more. Names are checked after they are resolved, and the connection is made to an
//! address that was checked ([`GuardedResolver`] is the HTTP client's resolver), so a name that
//! resolves to a public address once and a private one next (DNS rebinding) cannot slip through.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use pressroom_store::Store;

/// The setting that lets outbound requests reach private networks: `1` or absent.
pub const ALLOW_PRIVATE_SETTING: &str = "outbound_allow_private";
/// The setting of ports allowed besides 80 and 443: numbers separated by commas.
pub const EXTRA_PORTS_SETTING: &str = "outbound_extra_ports";

/// What an admin allows outbound requests to reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    pub allow_private: bool,
    pub extra_ports: Vec<u16>,
}

impl OutboundPolicy {
    pub async fn load(store: &Store) -> pressroom_store::Result<OutboundPolicy> {
        Ok(OutboundPolicy {
            allow_private: store.setting(ALLOW_PRIVATE_SETTING).await?.as_deref() == Some("1"),
            extra_ports: parse_ports(&store.setting(EXTRA_PORTS_SETTING).await?.unwrap_or_default()).unwrap_or_default(),
        })
    }

    /// Why `url` may not be asked for, checked before any name is resolved: its scheme, its port,
    /// and an address written as a number.
    pub fn refusal(&self, url: &str) -> Option<String> {
        let Ok(url) = url::Url::parse(url) else { return Some("not a web address".to_owned()) };
        if !matches!(url.scheme(), "http" | "https") {
            return Some(format!("the scheme {} is not allowed (only http and https)", url.scheme()));
        }
        let port = url.port_or_known_default().unwrap_or(0);
        if port != 80 && port != 443 && !self.extra_ports.contains(&port) {
            return Some(format!("port {port} is not allowed (80 and 443, and those an admin adds in the settings)"));
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => None,
            None => return Some("no host".to_owned()),
        };
        literal.and_then(|ip| self.address_refusal(ip))
    }

    /// Why `ip` may not be connected to, if it may not.
    pub fn address_refusal(&self, ip: IpAddr) -> Option<String> {
        match kind_of(ip) {
            Some(kind) if !self.allow_private || kind == "multicast" || kind == "unspecified" => Some(format!("{ip} is a {kind} address")),
            _ => None,
        }
    }
}

/// `8080, 9000`: the ports, or `None` if one is not a port.
pub fn parse_ports(text: &str) -> Option<Vec<u16>> {
    text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| p.parse::<u16>().ok().filter(|p| *p > 0)).collect()
}

/// What kind of address outside the public internet `ip` is, if it is one.
pub fn kind_of(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => kind_of_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => kind_of_v4(v4),
            None => kind_of_v6(ip),
        },
    }
}

fn kind_of_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_link_local() {
        // 169.254.0.0/16, where clouds answer with their metadata (169.254.169.254).
        Some("link-local")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        // 10/8, 172.16/12, 192.168/16, and the carriers' shared 100.64/10.
        Some("private")
    } else if ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        Some("multicast")
    } else if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) || (a == 192 && b == 0 && ip.octets()[2] == 0) {
        Some("reserved")
    } else {
        None
    }
}

fn kind_of_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if first & 0xfe00 == 0xfc00 {
        // Unique local addresses, fd00:ec2::254 (a cloud's metadata service) among them.
        Some("private")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        Some("reserved")
    } else if first == 0x0064 && ip.segments()[1] == 0xff9b {
        // NAT64 addresses stand for IPv4 ones; the embedded one decides.
        let [.., c, d] = ip.segments();
        kind_of_v4(Ipv4Addr::new((c >> 8) as u8, c as u8, (d >> 8) as u8, d as u8))
    } else {
        None
    }
}

/// Resolves a name the way the system does.
pub type Lookup =
    Arc<dyn Fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> + Send + Sync>;

/// The system's resolver.
pub fn system_lookup() -> Lookup {
    Arc::new(|name: String| Box::pin(async move { Ok(tokio::net::lookup_host((name.as_str(), 0)).await?.map(|a| a.ip()).collect()) }))
}

/// The HTTP client's resolver: the addresses a name resolves to, less those the policy refuses;
/// none left is an error that says why.
pub struct GuardedResolver {
    lookup: Lookup,
    policy: Arc<std::sync::RwLock<OutboundPolicy>>,
}

impl GuardedResolver {
    pub fn new(lookup: Lookup, policy: Arc<std::sync::RwLock<OutboundPolicy>>) -> GuardedResolver {
        GuardedResolver { lookup, policy }
    }

    /// The addresses of `name` that may be connected to.
    pub async fn allowed(lookup: &Lookup, policy: &OutboundPolicy, name: &str) -> Result<Vec<IpAddr>, String> {
        let found = lookup(name.to_owned()).await.map_err(|e| format!("{name} could not be resolved: {e}"))?;
        let mut refused = Vec::new();
        let allowed: Vec<IpAddr> = found
            .into_iter()
            .filter(|ip| match policy.address_refusal(*ip) {
                Some(why) => {
                    refused.push(why);
                    false
                }
                None => true,
            })
            .collect();
        if allowed.is_empty() {
            return Err(format!("{name} is refused: {}", if refused.is_empty() { "no address".to_owned() } else { refused.join("; ") }));
        }
        Ok(allowed)
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let lookup = self.lookup.clone();
        let policy = self.policy.read().map(|p| p.clone()).unwrap_or_default();
        Box::pin(async move {
            let allowed = GuardedResolver::allowed(&lookup, &policy, name.as_str()).await.map_err(std::io::Error::other)?;
            let addresses: reqwest::dns::Addrs =
                Box::new(allowed.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect::<Vec<_>>().into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_outside_the_public_internet_are_named() {
        for (address, kind) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.20.0.1", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "private"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "multicast"),
            ("::1", "loopback"),
            ("fe80::1", "link-local"),
            ("fd00:ec2::254", "private"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:127.0.0.1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("ff02::1", "multicast"),
        ] {
            assert_eq!(kind_of(ip(address)), Some(kind), "{address}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"] {
            assert_eq!(kind_of(ip(public)), None, "{public}");
        }
    }

    #[test]
    fn schemes_ports_and_numeric_hosts_are_checked_before_resolving() {
        let policy = OutboundPolicy::default();
        assert_eq!(policy.refusal("https://hooks.example.org/in"), None);
        assert_eq!(policy.refusal("http://hooks.example.org/in"), None);
        assert!(policy.refusal("ftp://hooks.example.org/").unwrap().contains("scheme ftp"));
        assert!(policy.refusal("file:///etc/passwd").unwrap().contains("scheme file"));
        assert!(policy.refusal("https://hooks.example.org:8443/").unwrap().contains("port 8443"));
        assert!(policy.refusal("http://169.254.169.254/latest/meta-data/").unwrap().contains("link-local"));
        assert!(policy.refusal("http://[::1]/").unwrap().contains("loopback"));
        assert!(policy.refusal("http://2130706433/").unwrap().contains("loopback"), "127.0.0.1 written as one number");
        let intranet = OutboundPolicy { allow_private: true, extra_ports: vec![8443] };
        assert_eq!(intranet.refusal("https://10.0.0.5:8443/"), None);
        assert!(intranet.refusal("http://0.0.0.0/").is_some(), "never the unspecified address");
        assert_eq!(parse_ports("8080, 9000,"), Some(vec![8080, 9000]));
        assert_eq!(parse_ports("80, http"), None);
    }

    #[tokio::test]
    async fn a_name_is_checked_after_it_is_resolved() {
        // A resolver that answers what an attacker's DNS would.
        let lookup: Lookup = Arc::new(|name: String| {
            Box::pin(async move {
                Ok(match name.as_str() {
                    "metadata.attacker.test" => vec![ip("169.254.169.254")],
                    "rebind.attacker.test" => vec![ip("127.0.0.1"), ip("::1")],
                    "mixed.example.test" => vec![ip("10.0.0.7"), ip("93.184.216.34")],
                    _ => vec![ip("93.184.216.34")],
                })
            })
        });
        let policy = OutboundPolicy::default();
        let refused = GuardedResolver::allowed(&lookup, &policy, "metadata.attacker.test").await.unwrap_err();
        assert!(refused.contains("169.254.169.254 is a link-local address"), "{refused}");
        assert!(GuardedResolver::allowed(&lookup, &policy, "rebind.attacker.test").await.is_err());
        assert_eq!(
            GuardedResolver::allowed(&lookup, &policy, "mixed.example.test").await.unwrap(),
            [ip("93.184.216.34")],
            "only checked addresses are connected to"
        );
        let intranet = OutboundPolicy { allow_private: true, extra_ports: Vec::new() };
        assert_eq!(GuardedResolver::allowed(&lookup, &intranet, "rebind.attacker.test").await.unwrap().len(), 2);

        // Through a real HTTP client: the request is refused before any connection.
        let resolver = GuardedResolver::new(lookup, Arc::new(std::sync::RwLock::new(policy)));
        let client = reqwest::Client::builder().dns_resolver(Arc::new(resolver)).build().unwrap();
        let err = client.get("http://metadata.attacker.test/latest/meta-data/").send().await.unwrap_err();
        let mut source: Option<&dyn std::error::Error> = Some(&err);
        let mut text = String::new();
        while let Some(e) = source {
            text.push_str(&format!("{e}; "));
            source = e.source();
        }
        assert!(text.contains("link-local"), "{text}");
    }
}
