SITEGEN_SEARCH_CHUNK("w/73-68",{"share":"3","shot":"2.1"});
