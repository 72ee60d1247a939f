//! The `sofia` endpoint: `sofia/<profile>/<uri>` creates an outbound leg on that profile.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use ferroswitch_abi::kinds::endpoint::channel_io;
use ferroswitch_abi::{
    Endpoint, Error, HangupCause, LogLevel, OutgoingChannel, OutgoingRequest, Session,
};

use crate::call::{Command, Dial, Direction, SipChannel};
use crate::dial::{gateway_dial, DialTarget};
use crate::gateway::{Gateway, GatewayStatus};
use crate::profile::Profile;

/// Every running profile, by name.
#[derive(Clone, Default)]
pub struct Profiles(pub Vec<Arc<Profile>>);

impl Profiles {
    /// The gateway called `name`, in whichever profile defines it.
    pub fn find_gateway(&self, name: &str) -> Option<(&Arc<Profile>, &Arc<Gateway>)> {
        self.0.iter().find_map(|profile| {
            profile
                .gateways
                .iter()
                .find(|gateway| gateway.name().eq_ignore_ascii_case(name))
                .map(|gateway| (profile, gateway))
        })
    }

    /// Logs through the first profile's host (every profile has the same core).
    fn log(&self, level: LogLevel, message: &str) {
        if let Some(profile) = self.0.first() {
            profile.host.log(level, message);
        }
    }

    /// The profile called `name`.
    pub fn find(&self, name: &str) -> Option<&Arc<Profile>> {
        self.0
            .iter()
            .find(|p| p.config.name.eq_ignore_ascii_case(name))
    }
}

/// The registered endpoint.
pub struct SofiaEndpoint {
    /// The profiles it dials through.
    pub profiles: Profiles,
}

/// A fresh Call-ID: 128 bits from std's OS-seeded hasher keys.
fn new_call_id(host: &str) -> String {
    let mut words = [0u64; 2];
    for word in &mut words {
        *word = RandomState::new().build_hasher().finish();
    }
    format!("{:016x}{:016x}@{host}", words[0], words[1])
}

impl SofiaEndpoint {
    /// `gateway/<name>/<number>`: the gateway (which must be known and up, as mod_sofia
    /// demands) and the target through its proxy.
    fn gateway_target(
        &self,
        parsed: Result<(&str, &str), String>,
    ) -> Result<(DialTarget, Arc<Gateway>), Error> {
        let (name, number) = parsed.map_err(|reason| {
            Error::invalid_argument(reason).with_cause(HangupCause::INVALID_URL)
        })?;
        let Some((profile, gateway)) = self.profiles.find_gateway(name) else {
            let message = format!("Invalid Gateway '{name}': no profile defines it");
            self.profiles.log(LogLevel::Err, &message);
            return Err(Error::not_found(message).with_cause(HangupCause::INVALID_GATEWAY));
        };
        let snapshot = gateway.snapshot();
        if snapshot.status == GatewayStatus::Down {
            gateway.failed_calls_out.fetch_add(1, Ordering::Relaxed);
            let message = format!("Gateway '{name}' is down (state {})", snapshot.state);
            self.profiles.log(LogLevel::Warning, &message);
            return Err(Error::failed(message).with_cause(HangupCause::GATEWAY_DOWN));
        }
        let target =
            DialTarget::through_gateway(&profile.config.name, number, &gateway.config.proxy)
                .map_err(|reason| {
                    let message = format!("sofia/gateway/{name}/{number}: {reason}");
                    self.profiles.log(LogLevel::Err, &message);
                    Error::invalid_argument(message).with_cause(HangupCause::INVALID_URL)
                })?;
        Ok((target, Arc::clone(gateway)))
    }
}

impl Endpoint for SofiaEndpoint {
    fn outgoing(
        &self,
        session: Session,
        request: &OutgoingRequest,
    ) -> Result<OutgoingChannel, Error> {
        let (target, gateway) = match gateway_dial(&request.dial_data) {
            Some(parsed) => {
                let (target, gateway) = self.gateway_target(parsed)?;
                (target, Some(gateway))
            }
            None => {
                let target = DialTarget::parse(&request.dial_data).map_err(|reason| {
                    Error::invalid_argument(reason).with_cause(HangupCause::INVALID_URL)
                })?;
                (target, None)
            }
        };
        let profile = self.profiles.find(&target.profile).ok_or_else(|| {
            Error::not_found(format!("no sofia profile named {}", target.profile))
                .with_cause(HangupCause::INVALID_PROFILE)
        })?;
        let config = &profile.config;
        let media = profile.open_media().map_err(|error| {
            Error::failed(format!("sofia/{}: {error}", config.name))
                .with_cause(HangupCause::SWITCH_CONGESTION)
        })?;
        let call_id = new_call_id(&config.advertised_sip_ip().to_string());
        let uri = target.uri.to_string();
        let name = format!(
            "sofia/{}/{}",
            config.name,
            uri.strip_prefix("sip:").unwrap_or(&uri)
        );
        if let Some(gateway) = &gateway {
            gateway.calls_out.fetch_add(1, Ordering::Relaxed);
            session.set_variable("sip_gateway_name", Some(gateway.name()))?;
            session.set_variable("sip_gateway", Some(gateway.name()))?;
        }
        for (variable, value) in [
            ("sip_profile_name", config.name.as_str()),
            ("sofia_profile_name", config.name.as_str()),
            ("sip_call_id", call_id.as_str()),
            ("sip_destination_url", uri.as_str()),
        ] {
            session.set_variable(variable, Some(value))?;
        }
        profile.send(Command::Dial(Box::new(Dial {
            call_id: call_id.clone(),
            session,
            target,
            caller_name: request.caller_profile.caller_id_name.to_string(),
            caller_number: request.caller_profile.caller_id_number.to_string(),
            media: Arc::clone(&media),
            gateway,
        })));
        Ok(OutgoingChannel {
            name: name.into(),
            io: channel_io(SipChannel::new(
                Arc::clone(profile),
                call_id,
                Direction::Outbound,
                media,
            )),
        })
    }
}
