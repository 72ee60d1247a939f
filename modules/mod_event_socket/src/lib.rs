//! mod_event_socket
