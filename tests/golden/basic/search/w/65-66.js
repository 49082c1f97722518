SITEGEN_SEARCH_CHUNK("w/65-66",{"effect":"3"});
