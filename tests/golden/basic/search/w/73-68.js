SITEGEN_SEARCH_CHUNK("w/73-68",{"share":"0","shot":"0.1"});
