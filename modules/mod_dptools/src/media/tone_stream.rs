//! TGML, FreeSWITCH's tone generation markup (what `tone_stream://` and `gentones` play),
//! parsed into a [`ToneScript`] and rendered lazily at any rate by a [`ToneGenerator`].
//!
//! A script is `;`-separated segments. A segment is either a setting `X=value` or a row of
//! tones:
//!
//! - `%(on_ms,off_ms,freq1[,freq2...])`: the frequencies mixed for `on_ms`, then `off_ms` of
//!   silence;
//! - a DTMF digit (`0-9`, `*`, `#`, `A-D`), alone (default timing) or as `5(on_ms,off_ms)`.
//!
//! Settings apply to the tones after them: `v=` volume in dB (-63 to 0, default -7),
//! `d=` and `w=` the default on and off times in ms, `l=N` plays the next tone N times,
//! `L=N` plays the whole script N times, `>=ms` / `<=ms` lower / raise the volume by `+=dB`
//! (default 1) every `ms` while a tone sounds. `c=` and `r=` are accepted and ignored: the
//! generator renders mono at the rate it is asked for.
//!
//! As in FreeSWITCH's libteletone, each tone starts at phase zero, mixed frequencies are
//! averaged, and a tone whose frequencies are all zero is skipped.

use std::f64::consts::PI;

/// Most frequencies one tone mixes (libteletone's `TELETONE_MAX_TONES`).
const MAX_FREQUENCIES: usize = 18;
/// The loudest volume, in dB.
const VOLUME_MAX_DB: f64 = 0.0;
/// The quietest volume, in dB.
const VOLUME_MIN_DB: f64 = -63.0;
/// libteletone's default volume, in dB.
const DEFAULT_VOLUME_DB: f64 = -7.0;
/// The power at 0 dBm0 that libteletone scales levels from (3.14 + 3.02 dB).
const DBM0_MAX_POWER: f64 = 6.16;
/// libteletone's default on and off times: 2000 and 500 samples at 8 kHz.
const DEFAULT_ON_US: u64 = 250_000;
const DEFAULT_OFF_US: u64 = 62_500;

/// One tone to render.
#[derive(Debug, Clone, PartialEq)]
struct Tone {
    frequencies: Vec<f64>,
    on_us: u64,
    off_us: u64,
    volume_db: f64,
    /// Volume steps while the tone sounds: every `step_us`, `direction * factor_db`.
    decay: Option<Decay>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Decay {
    step_us: u64,
    direction: f64,
    factor_db: f64,
}

/// A parsed TGML script.
#[derive(Debug, Clone, PartialEq)]
pub struct ToneScript {
    tones: Vec<Tone>,
    /// How many times the whole script plays (`L=`).
    plays: u32,
}

/// The settings in force while a script is read.
struct Settings {
    volume_db: f64,
    on_us: u64,
    off_us: u64,
    repeat_next: u32,
    plays: Option<u32>,
    decay_step_us: u64,
    decay_direction: f64,
    decay_factor_db: f64,
}

impl ToneScript {
    /// Parses `text`, naming the segment and what is wrong in it on failure.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut settings = Settings {
            volume_db: DEFAULT_VOLUME_DB,
            on_us: DEFAULT_ON_US,
            off_us: DEFAULT_OFF_US,
            repeat_next: 0,
            plays: None,
            decay_step_us: 0,
            decay_direction: 0.0,
            decay_factor_db: 1.0,
        };
        let mut tones = Vec::new();
        for segment in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = |reason: String| format!("tone script segment `{segment}`: {reason}");
            let mut chars = segment.chars();
            let first = chars.next();
            if chars.next() == Some('=') {
                let value = segment[2..].trim();
                apply_setting(&mut settings, first.unwrap_or_default(), value).map_err(bad)?;
            } else {
                parse_tones(segment, &mut settings, &mut tones).map_err(bad)?;
            }
        }
        Ok(Self {
            tones,
            plays: settings.plays.unwrap_or(1),
        })
    }
}

fn number<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{what} `{}` is not a number", value.trim()))
}

fn milliseconds(value: &str, what: &str) -> Result<u64, String> {
    let ms: u64 = number(value, what)?;
    Ok(ms * 1000)
}

fn apply_setting(settings: &mut Settings, name: char, value: &str) -> Result<(), String> {
    match name {
        // The generator renders mono at its caller's rate.
        'c' | 'r' => {}
        'd' => settings.on_us = milliseconds(value, "duration")?,
        'w' => settings.off_us = milliseconds(value, "wait")?,
        'v' => {
            let volume: f64 = number(value, "volume")?;
            // libteletone keeps the old volume when the new one is out of range.
            if (VOLUME_MIN_DB..=VOLUME_MAX_DB).contains(&volume) {
                settings.volume_db = volume;
            }
        }
        '>' | '<' => {
            settings.decay_step_us = milliseconds(value, "decay step")?;
            settings.decay_direction = if name == '>' { -1.0 } else { 1.0 };
        }
        '+' => settings.decay_factor_db = number(value, "decay factor")?,
        'l' => settings.repeat_next = number(value, "tone loops")?,
        'L' => {
            // Only the first L= counts, and only a positive one.
            let plays: i64 = number(value, "script loops")?;
            if settings.plays.is_none() && plays > 0 {
                settings.plays = Some(u32::try_from(plays).unwrap_or(u32::MAX));
            }
        }
        other => return Err(format!("unknown setting `{other}=`")),
    }
    Ok(())
}

/// The frequencies of DTMF digit `digit`, if it is one.
fn dtmf_frequencies(digit: char) -> Option<[f64; 2]> {
    let row = match digit {
        '1' | '2' | '3' | 'A' => 697.0,
        '4' | '5' | '6' | 'B' => 770.0,
        '7' | '8' | '9' | 'C' => 852.0,
        '*' | '0' | '#' | 'D' => 941.0,
        _ => return None,
    };
    let column = match digit {
        '1' | '4' | '7' | '*' => 1209.0,
        '2' | '5' | '8' | '0' => 1336.0,
        '3' | '6' | '9' | '#' => 1477.0,
        _ => 1633.0,
    };
    Some([row, column])
}

/// Reads a row of tones (`%(...)`, `5`, `5(on,off)`), appending them to `tones`.
fn parse_tones(row: &str, settings: &mut Settings, tones: &mut Vec<Tone>) -> Result<(), String> {
    let mut rest = row;
    while let Some(name) = rest.chars().next() {
        if name.is_whitespace() {
            rest = &rest[name.len_utf8()..];
            continue;
        }
        let after_name = &rest[name.len_utf8()..];
        let (fields, next) = match after_name.strip_prefix('(') {
            Some(inside) => {
                let close = inside
                    .find(')')
                    .ok_or_else(|| format!("`{name}(` has no closing `)`"))?;
                let fields: Vec<&str> = inside[..close].split(',').map(str::trim).collect();
                (Some(fields), &inside[close + 1..])
            }
            None => (None, after_name),
        };
        let tone = match (name, fields) {
            ('%', Some(fields)) => {
                if fields.len() < 3 {
                    return Err(
                        "`%(on,off,freq...)` needs a time on, a time off and a frequency"
                            .to_owned(),
                    );
                }
                if fields.len() - 2 > MAX_FREQUENCIES {
                    return Err(format!(
                        "a tone mixes at most {MAX_FREQUENCIES} frequencies"
                    ));
                }
                let frequencies = fields[2..]
                    .iter()
                    .map(|field| number::<f64>(field, "frequency"))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(tone(
                    settings,
                    frequencies,
                    milliseconds(fields[0], "time on")?,
                    milliseconds(fields[1], "time off")?,
                ))
            }
            ('%', None) => return Err("`%` must be followed by `(on,off,freq...)`".to_owned()),
            (digit, fields) => {
                let frequencies = dtmf_frequencies(digit)
                    .ok_or_else(|| format!("`{digit}` is neither `%(...)` nor a DTMF digit"))?;
                let (on_us, off_us) = match fields.as_deref() {
                    None => (settings.on_us, settings.off_us),
                    Some([on, off]) => {
                        (milliseconds(on, "time on")?, milliseconds(off, "time off")?)
                    }
                    Some(_) => return Err(format!("`{digit}(on,off)` takes two times")),
                };
                Some(tone(settings, frequencies.to_vec(), on_us, off_us))
            }
        };
        if let Some(tone) = tone.filter(|tone| tone.frequencies.iter().any(|f| *f != 0.0)) {
            // `l=N` plays the next tone N times, then is used up.
            let times = settings.repeat_next.max(1);
            settings.repeat_next = 0;
            for _ in 0..times {
                tones.push(tone.clone());
            }
        }
        rest = next;
    }
    Ok(())
}

fn tone(settings: &Settings, frequencies: Vec<f64>, on_us: u64, off_us: u64) -> Tone {
    let decay = (settings.decay_direction != 0.0 && settings.decay_step_us > 0).then_some(Decay {
        step_us: settings.decay_step_us,
        direction: settings.decay_direction,
        factor_db: settings.decay_factor_db,
    });
    Tone {
        frequencies,
        on_us,
        off_us,
        volume_db: settings.volume_db,
        decay,
    }
}

fn samples(micros: u64, rate: u32) -> u64 {
    micros * u64::from(rate) / 1_000_000
}

/// The peak amplitude of a sine at `volume_db`, as libteletone levels it.
fn amplitude(volume_db: f64) -> f64 {
    10f64.powf((volume_db - DBM0_MAX_POWER) / 20.0) * 32767.0 * std::f64::consts::SQRT_2
}

/// Renders a [`ToneScript`] at one rate, frame by frame.
pub struct ToneGenerator {
    script: ToneScript,
    rate: u32,
    /// Plays of the whole script left; `None`: forever.
    plays_left: Option<u64>,
    tone: usize,
    /// Position within the current tone, in samples.
    position: u64,
    volume_db: f64,
    /// The peak that `volume_db` gives, kept so each sample does not recompute it.
    peak: f64,
    samples_since_step: u64,
    produced_this_play: bool,
}

impl ToneGenerator {
    /// A generator of `script` at `rate`, playing it `loops` times (each time with the
    /// script's own `L=` repeats); `None` plays it until the caller stops.
    pub fn new(script: ToneScript, rate: u32, loops: Option<u32>) -> Self {
        let plays_left = loops.map(|loops| u64::from(loops.max(1)) * u64::from(script.plays));
        let volume_db = script.tones.first().map_or(0.0, |tone| tone.volume_db);
        Self {
            script,
            rate,
            plays_left,
            tone: 0,
            position: 0,
            volume_db,
            peak: amplitude(volume_db),
            samples_since_step: 0,
            produced_this_play: false,
        }
    }

    /// Fills `out` with the next samples; how many were written, fewer only at the end.
    pub fn fill(&mut self, out: &mut [i16]) -> usize {
        let mut written = 0;
        while written < out.len() {
            if self.tone >= self.script.tones.len() {
                if !self.next_play() {
                    break;
                }
                continue;
            }
            let tone = &self.script.tones[self.tone];
            let on = samples(tone.on_us, self.rate);
            let total = on + samples(tone.off_us, self.rate);
            if self.position >= total {
                self.tone += 1;
                self.position = 0;
                self.samples_since_step = 0;
                if let Some(next) = self.script.tones.get(self.tone) {
                    self.set_volume(next.volume_db);
                }
                continue;
            }
            let sample = if self.position < on {
                self.tone_sample(self.tone)
            } else {
                0
            };
            out[written] = sample;
            written += 1;
            self.position += 1;
            self.produced_this_play = true;
        }
        written
    }

    fn set_volume(&mut self, volume_db: f64) {
        self.volume_db = volume_db;
        self.peak = amplitude(volume_db);
    }

    /// Starts the next play of the script, if there is one.
    fn next_play(&mut self) -> bool {
        // A script with nothing to play would otherwise loop forever without output.
        if !self.produced_this_play {
            return false;
        }
        if let Some(left) = &mut self.plays_left {
            *left = left.saturating_sub(1);
            if *left == 0 {
                return false;
            }
        }
        self.tone = 0;
        self.position = 0;
        self.samples_since_step = 0;
        self.produced_this_play = false;
        if let Some(first) = self.script.tones.first() {
            self.set_volume(first.volume_db);
        }
        true
    }

    fn tone_sample(&mut self, index: usize) -> i16 {
        if let Some(decay) = self.script.tones[index].decay {
            self.samples_since_step += 1;
            if self.samples_since_step >= samples(decay.step_us, self.rate).max(1) {
                let next = self.volume_db + decay.direction * decay.factor_db;
                if (VOLUME_MIN_DB..=VOLUME_MAX_DB).contains(&next) {
                    self.set_volume(next);
                    self.samples_since_step = 0;
                }
            }
        }
        let tone = &self.script.tones[index];
        let time = self.position as f64 / f64::from(self.rate);
        let mixed: f64 = tone
            .frequencies
            .iter()
            .map(|frequency| (2.0 * PI * frequency * time).sin())
            .sum::<f64>()
            / tone.frequencies.len() as f64;
        (mixed * self.peak)
            .round()
            .clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The relative power of `frequency` in `samples` (Goertzel), normalised by length.
    fn power(samples: &[i16], rate: u32, frequency: f64) -> f64 {
        let coefficient = 2.0 * (2.0 * PI * frequency / f64::from(rate)).cos();
        let (mut previous, mut before) = (0.0, 0.0);
        for sample in samples {
            let current = f64::from(*sample) + coefficient * previous - before;
            before = previous;
            previous = current;
        }
        (previous * previous + before * before - coefficient * previous * before)
            / (samples.len() as f64).powi(2)
    }

    fn render(script: &str, rate: u32, loops: Option<u32>, limit: usize) -> Vec<i16> {
        let mut generator = ToneGenerator::new(ToneScript::parse(script).unwrap(), rate, loops);
        let mut out = vec![0; limit];
        let written = generator.fill(&mut out);
        out.truncate(written);
        out
    }

    fn peak(samples: &[i16]) -> u16 {
        samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0)
    }

    #[test]
    fn a_tone_sounds_for_its_time_on_then_is_silent_for_its_time_off() {
        let out = render("%(100,50,1000)", 8000, Some(1), 100_000);
        assert_eq!(out.len(), 1200);
        assert!(peak(&out[..800]) > 5000);
        assert_eq!(peak(&out[800..]), 0);
        let on = &out[..800];
        assert!(power(on, 8000, 1000.0) > 100.0 * power(on, 8000, 1400.0));
    }

    #[test]
    fn the_frequency_is_right_at_every_rate() {
        for rate in [8000, 16000, 48000] {
            let out = render("%(200,0,440)", rate, Some(1), 1_000_000);
            assert_eq!(out.len() as u32, rate / 5, "at {rate} Hz");
            let crossings = out
                .windows(2)
                .filter(|pair| (pair[0] < 0) != (pair[1] < 0))
                .count();
            // 440 Hz for 0.2 s crosses zero about 176 times.
            assert!((170..=180).contains(&crossings), "{crossings} at {rate} Hz");
        }
    }

    #[test]
    fn two_frequencies_are_both_present() {
        let out = render("%(200,0,350,440)", 8000, Some(1), 100_000);
        let absent = power(&out, 8000, 1000.0);
        assert!(power(&out, 8000, 350.0) > 100.0 * absent);
        assert!(power(&out, 8000, 440.0) > 100.0 * absent);
    }

    #[test]
    fn dtmf_digits_are_named_tones_with_default_timing() {
        let out = render("5", 8000, Some(1), 100_000);
        // 250 ms on, 62.5 ms off.
        assert_eq!(out.len(), 2500);
        let on = &out[..2000];
        assert!(power(on, 8000, 770.0) > 100.0 * power(on, 8000, 1000.0));
        assert!(power(on, 8000, 1336.0) > 100.0 * power(on, 8000, 1000.0));
        let timed = render("d=100;w=0;1#", 8000, Some(1), 100_000);
        assert_eq!(timed.len(), 1600);
        assert_eq!(render("1(40,10)", 8000, Some(1), 100_000).len(), 400);
    }

    #[test]
    fn volume_in_db_scales_the_amplitude() {
        let loud = peak(&render("v=0;%(100,0,1000)", 8000, Some(1), 100_000));
        let quiet = peak(&render("v=-20;%(100,0,1000)", 8000, Some(1), 100_000));
        let ratio = f64::from(loud) / f64::from(quiet);
        assert!((ratio - 10.0).abs() < 0.2, "ratio {ratio}");
        // Out of range is ignored, as libteletone does: the default -7 dB stays.
        let default = peak(&render("%(100,0,1000)", 8000, Some(1), 100_000));
        assert_eq!(
            peak(&render("v=5;%(100,0,1000)", 8000, Some(1), 100_000)),
            default
        );
    }

    #[test]
    fn script_loops_and_tone_loops_repeat() {
        assert_eq!(
            render("L=3;%(10,10,500)", 8000, Some(1), 100_000).len(),
            480
        );
        assert_eq!(
            render("l=2;%(10,0,500);%(10,0,500)", 8000, Some(1), 100_000).len(),
            240
        );
        // Stream loops multiply the script's own.
        assert_eq!(render("L=2;%(10,0,500)", 8000, Some(3), 100_000).len(), 480);
        // Forever fills whatever is asked.
        assert_eq!(render("%(10,0,500)", 8000, None, 5000).len(), 5000);
    }

    #[test]
    fn decay_lowers_the_volume_while_the_tone_sounds() {
        let out = render("v=0;>=10;+=6;%(200,0,1000)", 8000, Some(1), 100_000);
        assert!(peak(&out[1400..]) < peak(&out[..80]) / 4);
    }

    #[test]
    fn nothing_to_play_ends_at_once_even_forever() {
        assert!(render("v=-10", 8000, None, 1000).is_empty());
        assert!(render("%(100,100,0)", 8000, None, 1000).is_empty());
    }

    #[test]
    fn malformed_scripts_name_the_segment_and_the_fault() {
        for (script, fault) in [
            ("%(100,100)", "needs a time on"),
            ("%(100,100,abc)", "frequency `abc`"),
            ("%(100,100,440", "no closing"),
            ("x", "`x` is neither"),
            ("q=1", "unknown setting"),
            ("v=loud", "volume `loud`"),
            ("%(-5,0,440)", "time on `-5`"),
        ] {
            let error = ToneScript::parse(script).unwrap_err();
            assert!(
                error.contains(script) && error.contains(fault),
                "{script}: {error}"
            );
        }
    }
}
