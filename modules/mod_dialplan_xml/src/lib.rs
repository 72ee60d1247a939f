//! mod_dialplan_xml
