SITEGEN_SEARCH_CHUNK("w/77-68",{"what":"3","where":"0"});
