#!/usr/bin/env node
// Drives ferroswitch's event socket with the unmodified npm package modesl, as an
// application would, and prints one JSON object with what the library parsed.
//
//   node esl_scenario.js HOST PORT PASSWORD DIAL_STRING
//
// DIAL_STRING is a loopback dial string whose B leg answers and parks, such as
// 'loopback/^^;answer;park/default/inline'; the A leg is parked with '&park()'.
//
// Steps: authenticate; `api status`; `event plain CHANNEL_ANSWER CHANNEL_HANGUP` (modesl adds
// BACKGROUND_JOB and CHANNEL_EXECUTE_COMPLETE, and subscribed to those two as JSON right
// after auth); `bgapi originate` with a Job-UUID of ours, waiting for its BACKGROUND_JOB; the
// A leg's CHANNEL_ANSWER; `filter Unique-ID <A leg>`; `sendmsg` executing `set` on the A leg
// (modesl's execute, which waits for the CHANNEL_EXECUTE_COMPLETE whose Application-UUID is
// the Event-UUID it sent); `api uuid_getvar` reading the variable back; `api uuid_kill` and
// the A leg's CHANNEL_HANGUP; then, once `show channels` is empty, a short pause so that any
// event the filter should have held back (the B leg's hangup) would have arrived.
//
// Exit status 0 with the JSON on stdout; 1 with a message on stderr (and the JSON so far on
// stdout) on any error, or when the whole scenario takes longer than ESL_SCENARIO_TIMEOUT_MS
// (default 20000).

'use strict';

const crypto = require('crypto');
const esl = require('modesl');

const LIMIT_MS = Number(process.env.ESL_SCENARIO_TIMEOUT_MS || 20000);
const VARIABLE = 'esl_scenario_colour';
const VALUE = 'deep blue';
const SETTLE_MS = 300;

const [host, port, password, dial] = process.argv.slice(2);
if (!host || !port || !password || !dial) {
  process.stderr.write('usage: node esl_scenario.js HOST PORT PASSWORD DIAL_STRING\n');
  process.exit(2);
}

const report = {
  auth: null,
  status: null,
  eventsReply: null,
  job: null,
  callUuid: null,
  filterReply: null,
  execute: null,
  variable: null,
  killReply: null,
  commandReplies: [],
  events: [],
};
let step = 'connecting';
let finished = false;
const waiters = [];

function finish(code, message) {
  if (finished) return;
  finished = true;
  if (message) process.stderr.write(`esl_scenario: ${message} (step: ${step})\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(code));
}

setTimeout(() => finish(1, `gave up after ${LIMIT_MS} ms`), LIMIT_MS).unref();

// What the library parsed of one event, for the report.
function summarise(event, headers, filtered) {
  const header = (name) => {
    const value = event.getHeader(name);
    return value === undefined ? null : value;
  };
  return {
    name: header('Event-Name'),
    contentType: headers['Content-Type'],
    afterFilter: filtered,
    uniqueId: header('Unique-ID'),
    jobUuid: header('Job-UUID'),
    channelState: header('Channel-State'),
    answerState: header('Answer-State'),
    hangupCause: header('Hangup-Cause'),
    application: header('Application'),
    applicationUuid: header('Application-UUID'),
    eventSequence: header('Event-Sequence'),
    headerCount: event.headers.length,
  };
}

// Resolves with the first recorded event (past or future) that `predicate` accepts.
function waitForEvent(predicate) {
  const seen = report.events.find(predicate);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => waiters.push({ predicate, resolve }));
}

const connection = new esl.Connection(host, Number(port), password, () => {
  scenario().then(
    () => finish(0),
    (error) => finish(1, error && error.message ? error.message : String(error)),
  );
});

let filterActive = false;
connection.on('error', (error) => finish(1, `connection error: ${error.message}`));
connection.on('esl::end', () => finish(1, 'the server closed the connection'));
connection.on('esl::event::auth::success', (event) => {
  report.auth = event.getHeader('Reply-Text');
});
connection.on('esl::event::auth::fail', (event) => {
  report.auth = event.getHeader('Reply-Text') || null;
  finish(1, 'authentication failed');
});
connection.on('esl::event::command::reply', (event) => {
  report.commandReplies.push(event.getHeader('Reply-Text') || null);
});
connection.on('esl::event::**', function onAny(event, headers) {
  if (!headers || !/^text\/event-/.test(headers['Content-Type'] || '')) return;
  const summary = summarise(event, headers, filterActive);
  report.events.push(summary);
  for (let i = waiters.length - 1; i >= 0; i -= 1) {
    if (waiters[i].predicate(summary)) {
      waiters[i].resolve(summary);
      waiters.splice(i, 1);
    }
  }
});

function api(command) {
  return new Promise((resolve) => connection.api(command, (event) => resolve(event.getBody())));
}

async function scenario() {
  step = 'api status';
  report.status = await api('status');

  step = 'event plain';
  report.eventsReply = await new Promise((resolve) =>
    connection.events('plain', 'CHANNEL_ANSWER CHANNEL_HANGUP', (event) =>
      resolve(event.getHeader('Reply-Text')),
    ),
  );

  step = 'bgapi originate';
  const jobUuid = crypto.randomUUID();
  const job = await new Promise((resolve) =>
    connection.bgapi('originate', `${dial} &park()`, jobUuid, resolve),
  );
  report.job = {
    requested: jobUuid,
    jobUuid: job.getHeader('Job-UUID') || null,
    eventName: job.getHeader('Event-Name') || null,
    command: job.getHeader('Job-Command') || null,
    commandArg: job.getHeader('Job-Command-Arg') || null,
    body: job.getBody(),
  };
  const match = /^\+OK ([0-9a-fA-F-]{36})/.exec(job.getBody() || '');
  if (!match) throw new Error(`originate failed: ${JSON.stringify(job.getBody())}`);
  const uuid = match[1];
  report.callUuid = uuid;

  step = 'CHANNEL_ANSWER of the A leg';
  await waitForEvent((event) => event.name === 'CHANNEL_ANSWER' && event.uniqueId === uuid);

  step = 'filter';
  report.filterReply = await new Promise((resolve) =>
    connection.filter('Unique-ID', uuid, (event) => resolve(event.getHeader('Reply-Text'))),
  );
  filterActive = true;

  step = 'sendmsg execute set';
  let sentEventUuid = null;
  const complete = await new Promise((resolve) => {
    sentEventUuid = connection.execute('set', `${VARIABLE}=${VALUE}`, uuid, resolve);
  });
  report.execute = {
    eventUuidSent: sentEventUuid,
    eventName: complete.getHeader('Event-Name') || null,
    uniqueId: complete.getHeader('Unique-ID') || null,
    application: complete.getHeader('Application') || null,
    applicationData: complete.getHeader('Application-Data') || null,
    applicationUuid: complete.getHeader('Application-UUID') || null,
    applicationResponse: complete.getHeader('Application-Response') || null,
  };

  step = 'api uuid_getvar';
  report.variable = (await api(`uuid_getvar ${uuid} ${VARIABLE}`)).trim();

  step = 'api uuid_kill and CHANNEL_HANGUP of the A leg';
  report.killReply = (await api(`uuid_kill ${uuid}`)).trim();
  await waitForEvent((event) => event.name === 'CHANNEL_HANGUP' && event.uniqueId === uuid);

  step = 'both legs gone';
  for (;;) {
    const channels = await api('show channels');
    if (/^0 total\./m.test(channels)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  step = 'done';
}
