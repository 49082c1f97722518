SITEGEN_SEARCH_CHUNK("w/68-6f",{"how":"3"});
