//! The `sofia` endpoint: `sofia/<profile>/<uri>` creates an outbound leg on that profile.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use ferroswitch_abi::kinds::endpoint::channel_io;
use ferroswitch_abi::{Endpoint, Error, HangupCause, OutgoingChannel, OutgoingRequest, Session};

use crate::call::{Command, Dial, Direction, SipChannel};
use crate::dial::DialTarget;
use crate::profile::Profile;

/// Every running profile, by name.
#[derive(Clone, Default)]
pub struct Profiles(pub Vec<Arc<Profile>>);

impl Profiles {
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

impl Endpoint for SofiaEndpoint {
    fn outgoing(
        &self,
        session: Session,
        request: &OutgoingRequest,
    ) -> Result<OutgoingChannel, Error> {
        let target = DialTarget::parse(&request.dial_data).map_err(|reason| {
            Error::invalid_argument(reason).with_cause(HangupCause::INVALID_URL)
        })?;
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
